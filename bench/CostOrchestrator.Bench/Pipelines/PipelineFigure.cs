using CostOrchestrator.Bench.Checks;
using CostOrchestrator.Bench.Load;

namespace CostOrchestrator.Bench.Pipelines;

/// <summary>
/// A 3-step pipeline on one cluster: runs per second with <see cref="Callers"/> submitting at once, one caller's run
/// latency, and what the steps' provider calls cost when the adapter is called directly.
/// </summary>
internal sealed record PipelineFigure(string Cluster, int Callers, LoadResult Throughput, LoadResult OneCaller, double AdapterMicros, int Steps, LedgerCheckResult Check)
{
    /// <summary>One caller's wall time per step: its median run over the steps (the mean follows whatever else the machine runs).</summary>
    public double StepMicros => OneCaller.Latency.P50Ms * 1000 / Steps;

    /// <summary>What running a step adds to calling its provider directly.</summary>
    public double OverheadMicros => StepMicros - AdapterMicros;
}
