using System.Globalization;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>A simulation's result: the workload it ran and one report per policy, side by side.</summary>
internal sealed record SimulationReport
{
    public required string Workload { get; init; }

    public required int Days { get; init; }

    /// <summary>The first day, <c>YYYY-MM-DD</c>.</summary>
    public required string Start { get; init; }

    public required string TimeZone { get; init; }

    public required long Seed { get; init; }

    public required int RunsSubmitted { get; init; }

    public required IReadOnlyList<PolicyReport> Policies { get; init; }

    public static SimulationReport Of(Workload workload, long seed, ArrivalPlan plan, IReadOnlyList<PolicyReport> policies)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(plan);
        return new SimulationReport
        {
            Workload = workload.Name,
            Days = workload.Days,
            Start = workload.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeZone = workload.TimeZone.Id,
            Seed = seed,
            RunsSubmitted = plan.Runs,
            Policies = policies,
        };
    }
}
