using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>One invocation made by a step (one per fan-out item).</summary>
public sealed record InvocationRecord
{
    /// <summary>The invocation id (<c>inv_...</c>).</summary>
    public required string InvocationId { get; init; }

    /// <summary>The fan-out item index, or 0.</summary>
    public int Item { get; init; }

    /// <summary>The provider that served it (or whose result was cached).</summary>
    public string? ProviderId { get; init; }

    /// <summary>Worst-case cost reserved.</summary>
    public decimal EstimatedCents { get; init; }

    /// <summary>Actual cost charged.</summary>
    public decimal ActualCents { get; init; }

    /// <summary>Served from cache.</summary>
    public bool CacheHit { get; init; }

    /// <summary>What the cache saved.</summary>
    public decimal SavedCents { get; init; }

    /// <summary>Latency in milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>Attempts made (retries and fallbacks included).</summary>
    public int Attempts { get; init; }

    /// <summary>Tokens consumed.</summary>
    public TokenCounts? Tokens { get; init; }
}
