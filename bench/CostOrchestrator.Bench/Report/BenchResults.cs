using CostOrchestrator.Bench.Checks;
using CostOrchestrator.Bench.Governor;
using CostOrchestrator.Bench.Invocation;
using CostOrchestrator.Bench.Pipelines;

namespace CostOrchestrator.Bench.Report;

/// <summary>Everything one bench run measured; sections not run are null.</summary>
internal sealed record BenchResults
{
    public required DateTimeOffset MeasuredAt { get; init; }

    public required BenchOptions Options { get; init; }

    public GovernorResults? Governor { get; init; }

    public IReadOnlyList<PipelineFigure>? Pipelines { get; init; }

    public InvocationOverheadFigure? Invocation { get; init; }

    /// <summary>In-slice decisions, when measured.</summary>
    public IReadOnlyList<Slices.SliceDecisionFigure>? Slices { get; init; }

    public required IReadOnlyList<LedgerCheckResult> Checks { get; init; }

    /// <summary>Why the run stopped early, if it did.</summary>
    public string? Failure { get; init; }
}
