using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Storage;

/// <summary>One attributed charge (or cache hit): the record every report is built from.</summary>
public sealed record LedgerEntry
{
    /// <summary>Entry id.</summary>
    public required string EntryId { get; init; }

    /// <summary>The reservation settled, if any (cache hits have none).</summary>
    public string? ReservationId { get; init; }

    /// <summary>When charged.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Every scope charged.</summary>
    public required IReadOnlyList<string> Chain { get; init; }

    /// <summary>What it was for.</summary>
    public ChargeAttribution Attribution { get; init; } = new();

    /// <summary>Worst case reserved.</summary>
    public decimal EstimatedCents { get; init; }

    /// <summary>Charged.</summary>
    public decimal ActualCents { get; init; }

    /// <summary>Saved by the cache.</summary>
    public decimal SavedCents { get; init; }

    /// <summary>A cache hit.</summary>
    public bool CacheHit { get; init; }

    /// <summary>Used overdraft head-room.</summary>
    public bool Overdraft { get; init; }

    /// <summary>Settled at the reserved amount after expiry, not from an actual cost.</summary>
    public bool Unreconciled { get; init; }

    /// <summary>Tokens.</summary>
    public TokenCounts? Tokens { get; init; }
}
