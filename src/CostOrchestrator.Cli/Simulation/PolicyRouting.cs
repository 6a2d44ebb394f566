using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>
/// What each policy changes in the routing of the workload's pipelines; everything else (inputs, steps, fan-out,
/// fallbacks, execution limits, the budgets file's scope windows) stays as written.
/// <list type="bullet">
/// <item><c>cost-aware</c>: nothing. Our router picks the cheapest provider that meets each step's
/// <c>complexity</c>/<c>min_quality</c> floor within its <c>budget_cents</c>, and budgets degrade as configured.</item>
/// <item><c>always-premium</c>: what a team without cost routing does. Each capability has one provider, its best:
/// the highest quality, and among those the most expensive (worst case of a call). Steps lose <c>budget_cents</c>,
/// <c>complexity</c>/<c>min_quality</c> and <c>prefer</c> (there is nothing to choose), and runs lose their cost
/// budget (<c>budget.limit_cents</c> and the budgets file's per-run <c>pipelines</c> limits).</item>
/// <item><c>cheapest</c>: every step <c>prefer: cheapest</c> with no quality floor (<c>complexity</c> and
/// <c>min_quality</c> removed), so the cheapest provider serves it whatever its quality.</item>
/// </list>
/// </summary>
internal static class PolicyRouting
{
    /// <summary>The providers a policy's node knows.</summary>
    public static IReadOnlyList<ProviderRecord> Providers(SimulationPolicy policy, IReadOnlyList<ProviderRecord> registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return policy != SimulationPolicy.AlwaysPremium ? registry : [.. registry.GroupBy(p => p.Capability, StringComparer.Ordinal).Select(Premium)];
    }

    /// <summary>The pipeline as the policy runs it.</summary>
    public static PipelineDefinition Pipeline(SimulationPolicy policy, PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return policy switch
        {
            SimulationPolicy.CostAware => pipeline,
            SimulationPolicy.AlwaysPremium => pipeline with
            {
                Budget = null,
                Steps = Each(pipeline, invoke => invoke with { BudgetCents = null, Complexity = null, MinQuality = null, Prefer = RoutePreference.Quality }),
            },
            SimulationPolicy.Cheapest => pipeline with
            {
                Steps = Each(pipeline, invoke => invoke with { Complexity = null, MinQuality = null, Prefer = RoutePreference.Cheapest }),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
        };
    }

    /// <summary>The per-run cost limits (by pipeline id) the policy's node enforces.</summary>
    public static IReadOnlyDictionary<string, decimal> RunLimits(SimulationPolicy policy, IReadOnlyDictionary<string, decimal> limits) =>
        policy == SimulationPolicy.AlwaysPremium ? new Dictionary<string, decimal>() : limits;

    // A provider marked down stays out when its capability has one that is up: a team wires what it can call.
    private static ProviderRecord Premium(IEnumerable<ProviderRecord> providers) => providers
        .OrderBy(p => p.Health == ProviderHealth.Down ? 1 : 0)
        .ThenByDescending(p => p.Quality)
        .ThenByDescending(p => CostEstimator.WorstCase(p, inputs: null).WorstCaseCents)
        .ThenBy(p => p.ProviderId, StringComparer.Ordinal)
        .First();

    private static List<PipelineStep> Each(PipelineDefinition pipeline, Func<StepInvoke, StepInvoke> change) =>
        [.. pipeline.Steps.Select(s => s with { Invoke = change(s.Invoke) })];
}
