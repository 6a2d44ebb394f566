namespace CostOrchestrator.Cli.Simulation;

/// <summary>How a simulated team routes its work; see <see cref="PolicyRouting"/> for what each changes.</summary>
internal enum SimulationPolicy
{
    /// <summary>The pipelines as written, on our router.</summary>
    CostAware,

    /// <summary>Every step on the highest-quality, most expensive provider of its capability, with no cost caps.</summary>
    AlwaysPremium,

    /// <summary>Every step on the cheapest provider, whatever its quality.</summary>
    Cheapest,
}

/// <summary>The policies' names on the command line and in the output.</summary>
internal static class SimulationPolicies
{
    public const string All = "all";

    /// <summary>Every policy, in the order the output shows them.</summary>
    public static IReadOnlyList<SimulationPolicy> Every { get; } = [SimulationPolicy.CostAware, SimulationPolicy.AlwaysPremium, SimulationPolicy.Cheapest];

    public static string Name(this SimulationPolicy policy) => policy switch
    {
        SimulationPolicy.CostAware => "cost-aware",
        SimulationPolicy.AlwaysPremium => "always-premium",
        SimulationPolicy.Cheapest => "cheapest",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>The policies named (<c>all</c> is every one), in output order and each once.</summary>
    public static IReadOnlyList<SimulationPolicy> Parse(IEnumerable<string> names)
    {
        var given = names.ToHashSet(StringComparer.Ordinal);
        return given.Count == 0 || given.Contains(All) ? Every : [.. Every.Where(p => given.Contains(p.Name()))];
    }
}
