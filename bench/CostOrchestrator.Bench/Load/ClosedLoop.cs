using System.Diagnostics;

namespace CostOrchestrator.Bench.Load;

/// <summary>
/// A fixed number of callers, each starting its next operation when the last one answered, until the time is up:
/// throughput at that concurrency, and the latency of every operation.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>
    /// Runs <paramref name="callers"/> loops of <paramref name="operation"/> (caller, iteration) for
    /// <paramref name="duration"/>; a loop also ends when its operation returns false. The elapsed time runs until the
    /// last operation answered, so operations started just before the deadline are counted with the time they took.
    /// </summary>
    public static async Task<LoadResult> RunAsync(int callers, TimeSpan duration, Func<int, long, CancellationToken, Task<bool>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var samples = new List<long>[callers];
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var mine = samples[caller] = new List<long>(1024);
            for (var i = 0L; Stopwatch.GetTimestamp() < deadline; i++)
            {
                var began = Stopwatch.GetTimestamp();
                var more = await operation(caller, i, cancellationToken);
                mine.Add(Stopwatch.GetTimestamp() - began);
                if (!more)
                {
                    break;
                }
            }
        }, cancellationToken)));
        var elapsed = Stopwatch.GetElapsedTime(start);
        return new LoadResult(samples.Sum(s => (long)s.Count), elapsed, Latency.FromTicks(samples.SelectMany(s => s)));
    }
}
