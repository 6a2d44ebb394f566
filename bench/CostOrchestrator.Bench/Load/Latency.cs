using System.Diagnostics;

namespace CostOrchestrator.Bench.Load;

/// <summary>Percentiles of a set of operation times, in milliseconds.</summary>
internal sealed record Latency(double P50Ms, double P99Ms, double MeanMs)
{
    /// <summary>No operations measured.</summary>
    public static readonly Latency None = new(double.NaN, double.NaN, double.NaN);

    /// <summary>From <see cref="Stopwatch"/> ticks (nearest-rank percentiles).</summary>
    public static Latency FromTicks(IEnumerable<long> ticks)
    {
        var sorted = ticks.Order().ToArray();
        return sorted.Length == 0
            ? None
            : new Latency(Ms(Rank(sorted, 0.50)), Ms(Rank(sorted, 0.99)), sorted.Average(t => Ms(t)));
    }

    /// <summary>From milliseconds (nearest-rank percentiles).</summary>
    public static Latency FromMs(IEnumerable<double> ms)
    {
        var sorted = ms.Order().ToArray();
        return sorted.Length == 0 ? None : new Latency(Rank(sorted, 0.50), Rank(sorted, 0.99), sorted.Average());
    }

    private static T Rank<T>(T[] sorted, double percentile) => sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
