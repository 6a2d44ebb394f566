using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>One invocation made by a step (one per fan-out item).</summary>
[GenerateSerializer, Immutable, Alias("costorch.InvocationRecord")]
public sealed record InvocationRecord
{
    /// <summary>The invocation id (<c>inv_...</c>).</summary>
    [Id(0)]
    public required string InvocationId { get; init; }

    /// <summary>The fan-out item index, or 0.</summary>
    [Id(1)]
    public int Item { get; init; }

    /// <summary>The provider that served it (or whose result was cached).</summary>
    [Id(2)]
    public string? ProviderId { get; init; }

    /// <summary>Worst-case cost reserved.</summary>
    [Id(3)]
    public decimal EstimatedCents { get; init; }

    /// <summary>Actual cost charged.</summary>
    [Id(4)]
    public decimal ActualCents { get; init; }

    /// <summary>Served from cache.</summary>
    [Id(5)]
    public bool CacheHit { get; init; }

    /// <summary>What the cache saved.</summary>
    [Id(6)]
    public decimal SavedCents { get; init; }

    /// <summary>Latency in milliseconds.</summary>
    [Id(7)]
    public double LatencyMs { get; init; }

    /// <summary>Attempts made (retries and fallbacks included).</summary>
    [Id(8)]
    public int Attempts { get; init; }

    /// <summary>Tokens consumed.</summary>
    [Id(9)]
    public TokenCounts? Tokens { get; init; }

    /// <summary>
    /// A call whose outcome never came back (its silo died mid-call): its reservation was settled as spent at the
    /// worst case and counts in the run's totals, so the run's cost equals what the ledger charged it.
    /// </summary>
    [Id(10)]
    public bool Unreconciled { get; init; }

    /// <summary>
    /// What the registry's price says the call cost, when the provider billed its own amount (<see cref="ActualCents"/>);
    /// the two differing is price drift.
    /// </summary>
    [Id(11)]
    public decimal? ListCents { get; init; }
}
