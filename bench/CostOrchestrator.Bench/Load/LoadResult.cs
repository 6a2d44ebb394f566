namespace CostOrchestrator.Bench.Load;

/// <summary>What a closed loop measured: operations completed, over how long, and their latency.</summary>
internal sealed record LoadResult(long Operations, TimeSpan Elapsed, Latency Latency)
{
    /// <summary>Completed operations per second of wall time.</summary>
    public double PerSecond => Elapsed > TimeSpan.Zero ? Operations / Elapsed.TotalSeconds : 0;
}
