using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Invocation;

/// <summary>Cost metadata returned with every invocation (seed 000).</summary>
public sealed record InvocationMeta
{
    /// <summary>What was charged.</summary>
    public required decimal CostCents { get; init; }

    /// <summary>The worst case reserved.</summary>
    public required decimal EstimatedCents { get; init; }

    /// <summary>The provider.</summary>
    public required string ProviderId { get; init; }

    /// <summary>Served from cache.</summary>
    public required bool CacheHit { get; init; }

    /// <summary>What the cache saved.</summary>
    public decimal SavedCents { get; init; }

    /// <summary>Latency in milliseconds.</summary>
    public required double LatencyMs { get; init; }

    /// <summary>The invocation id.</summary>
    public required string InvocationId { get; init; }

    /// <summary>Tokens.</summary>
    public TokenCounts Tokens { get; init; } = new();
}
