using CostOrchestrator.Bench.Checks;

namespace CostOrchestrator.Bench.Invocation;

/// <summary>One invocation, one caller, embedded: the adapter called directly, and the same call through the executor.</summary>
internal sealed record InvocationOverheadFigure(double DirectMicros, double EnforcedMicros, LedgerCheckResult Check)
{
    /// <summary>What enforcement adds to one call.</summary>
    public double OverheadMicros => EnforcedMicros - DirectMicros;
}
