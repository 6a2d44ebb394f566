using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Core.Budget;

/// <summary>
/// One call decided inside a budget slice and committed at its actual cost: the ledger entry it becomes when its slice
/// is next charged in the store.
/// </summary>
public sealed record SliceCharge
{
    /// <summary>The ledger entry's id (what makes a repeated flush recognisable).</summary>
    public required string EntryId { get; init; }

    /// <summary>The call's own reservation id, as callers saw it (there is no reservation row: the slice's lease holds the room).</summary>
    public required string ReservationId { get; init; }

    /// <summary>When it was committed.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>What it was for.</summary>
    public required ChargeAttribution Attribution { get; init; }

    /// <summary>The worst case it took from the slice.</summary>
    public required decimal EstimatedCents { get; init; }

    /// <summary>What it cost.</summary>
    public required decimal ActualCents { get; init; }

    /// <summary>Tokens used, when known.</summary>
    public TokenCounts? Tokens { get; init; }
}
