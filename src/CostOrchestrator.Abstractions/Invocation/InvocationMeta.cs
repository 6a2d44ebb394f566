using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Invocation;

/// <summary>Cost metadata returned with every invocation.</summary>
[GenerateSerializer, Immutable, Alias("costorch.InvocationMeta")]
public sealed record InvocationMeta
{
    /// <summary>What was charged.</summary>
    [Id(0)]
    public required decimal CostCents { get; init; }

    /// <summary>The worst case reserved.</summary>
    [Id(1)]
    public required decimal EstimatedCents { get; init; }

    /// <summary>The provider.</summary>
    [Id(2)]
    public required string ProviderId { get; init; }

    /// <summary>Served from cache.</summary>
    [Id(3)]
    public required bool CacheHit { get; init; }

    /// <summary>What the cache saved.</summary>
    [Id(4)]
    public decimal SavedCents { get; init; }

    /// <summary>Latency in milliseconds.</summary>
    [Id(5)]
    public required double LatencyMs { get; init; }

    /// <summary>The invocation id.</summary>
    [Id(6)]
    public required string InvocationId { get; init; }

    /// <summary>Tokens.</summary>
    [Id(7)]
    public TokenCounts Tokens { get; init; } = new();
}
