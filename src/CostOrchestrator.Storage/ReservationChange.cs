using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Storage;

/// <summary>
/// What committing or releasing a reservation did. Both are idempotent, so the caller cannot tell from the reservation
/// alone whether this call wrote anything; <see cref="Applied"/> says so (as <see cref="ReserveResult.Replayed"/> does
/// for a reservation), which is what lets a node count each ledger entry once.
/// </summary>
public sealed record ReservationChange
{
    /// <summary>The reservation as it stands after the call; null when it is unknown.</summary>
    public Reservation? Reservation { get; init; }

    /// <summary>
    /// True when this call changed the reservation (and, for a commit, wrote or reconciled its ledger entry); false when
    /// it was unknown or already committed or released (a repeated call, or one settled the other way).
    /// </summary>
    public bool Applied { get; init; }

    /// <summary>
    /// True when this commit reconciled a reservation settled earlier at its reserved amount (its TTL passed or its
    /// silo died): the ledger entry charged that amount already and now holds the actual cost instead.
    /// </summary>
    public bool Reconciled { get; init; }
}
