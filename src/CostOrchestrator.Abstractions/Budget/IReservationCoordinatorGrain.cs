namespace CostOrchestrator.Abstractions.Budget;

/// <summary>
/// Reserve, commit and release across a scope chain. A stateless worker on the caller's silo: it asks the governor
/// of every scope in the chain for room (all or none; an unlimited scope's answers at once), writes the reservation once, fenced by the
/// governors' epochs, and answers only after that write is durable. Use key <see cref="LocalKey"/>.
/// </summary>
public interface IReservationCoordinatorGrain : IGrainWithIntegerKey
{
    /// <summary>The key to address the coordinator by (any key reaches a local worker).</summary>
    const long LocalKey = 0;

    /// <summary>Reserves the worst-case cost on every scope of the chain, or none. Idempotent by key.</summary>
    Task<ReservationOutcome> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Replaces a pending reservation by the actual cost and writes the ledger entry. Idempotent.</summary>
    Task<Reservation?> CommitAsync(string reservationId, decimal actualCents, TokenCounts? tokens = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits a pipeline step's reservation and writes the step's journal entry in the same transaction, so a run
    /// resumed after its silo died replays the step instead of invoking (and paying for) it again. Idempotent.
    /// </summary>
    Task<Reservation?> CommitStepAsync(string reservationId, decimal actualCents, TokenCounts? tokens, Pipelines.JournalEntry journal, CancellationToken cancellationToken = default);

    /// <summary>Gives a pending reservation back. Idempotent.</summary>
    Task<Reservation?> ReleaseAsync(string reservationId, CancellationToken cancellationToken = default);
}
