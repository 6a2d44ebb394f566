using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Storage;

/// <summary>
/// Budget policies, spend per scope window, reservations and the ledger. Reserve, commit, release and
/// settle are each one transaction: all targets or none, spend rows updated in a fixed order
/// (scope, window, start) so concurrent transactions cannot deadlock.
/// </summary>
public interface IBudgetStore
{
    /// <summary>Every policy.</summary>
    Task<IReadOnlyList<BudgetPolicy>> GetPoliciesAsync(CancellationToken cancellationToken);

    /// <summary>One scope's policy.</summary>
    Task<BudgetPolicy?> GetPolicyAsync(string scope, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a policy; the store sets its version.</summary>
    Task<BudgetPolicy> UpsertPolicyAsync(BudgetPolicy policy, CancellationToken cancellationToken);

    /// <summary>Spend rows for the given windows (missing rows come back as zero).</summary>
    Task<IReadOnlyList<SpendRow>> GetSpendAsync(IReadOnlyCollection<SpendKey> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a governor activation of <paramref name="scope"/>: claims the next epoch (fencing out every older
    /// activation's unwritten decisions), then reads the spend of <paramref name="windows"/> and the scope's
    /// pending reservations.
    /// </summary>
    Task<GovernorSnapshot> ClaimGovernorAsync(string scope, IReadOnlyCollection<SpendKey> windows, CancellationToken cancellationToken);

    /// <summary>
    /// Records a reservation its governors approved: adds its amount to every target's reserved, unless a fence's
    /// epoch moved on (nothing written). Idempotent by key. The store decides nothing about limits.
    /// </summary>
    Task<ReserveResult> ReserveAsync(StoreReservation reservation, CancellationToken cancellationToken);

    /// <summary>
    /// Group commit: several reservations in one transaction, each still all-or-nothing on its own (a savepoint
    /// per reservation), acknowledged together once the transaction is durable. Results are in request order.
    /// </summary>
    Task<IReadOnlyList<ReserveResult>> ReserveBatchAsync(IReadOnlyList<StoreReservation> reservations, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a reservation by the actual cost and writes the ledger entry, and the run's journal entry when given
    /// (in the same transaction). Idempotent: a repeated commit changes nothing and says so.
    /// </summary>
    Task<ReservationChange> CommitAsync(string reservationId, decimal actualCents, TokenCounts? tokens, DateTimeOffset now, JournalEntry? journal, CancellationToken cancellationToken);

    /// <summary>
    /// Group commit of commits: each as <see cref="CommitAsync"/> (its own savepoint), all in one transaction,
    /// acknowledged together once it is durable. Results in request order.
    /// </summary>
    Task<IReadOnlyList<ReservationChange>> CommitBatchAsync(IReadOnlyList<StoreCommit> commits, CancellationToken cancellationToken);

    /// <summary>
    /// Charges calls decided inside a budget slice to the slice's lease (a pending reservation), in one transaction: a
    /// ledger entry per call, their cost moved from the lease's hold to charged in every target, and the lease's running
    /// charge (its actual) raised by as much. Idempotent: charges already written (a retried flush) change nothing. Not
    /// applied when the lease is no longer pending (settled at its TTL or as a dead silo's: what it held was charged then).
    /// </summary>
    Task<ReservationChange> ChargeSliceAsync(string leaseId, IReadOnlyList<SliceCharge> charges, CancellationToken cancellationToken);

    /// <summary>Gives a pending reservation back. Idempotent: a repeated release changes nothing and says so.</summary>
    Task<ReservationChange> ReleaseAsync(string reservationId, CancellationToken cancellationToken);

    /// <summary>A reservation by id.</summary>
    Task<Reservation?> GetReservationAsync(string reservationId, CancellationToken cancellationToken);

    /// <summary>A reservation by idempotency key.</summary>
    Task<Reservation?> GetReservationByKeyAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Settles pending reservations past expiry: kept as spent at the reserved amount, flagged unreconciled.</summary>
    Task<IReadOnlyList<Reservation>> SettleExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Settles, as <see cref="SettleExpiredAsync"/> does, the pending reservations written by <paramref name="silos"/>
    /// (silos declared dead: nobody will commit or release them).
    /// </summary>
    Task<IReadOnlyList<Reservation>> SettleWrittenByAsync(IReadOnlyCollection<string> silos, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Writes a ledger entry that settles no reservation (a cache hit: zero cost, saving recorded).</summary>
    Task AppendLedgerAsync(LedgerEntry entry, CancellationToken cancellationToken);

    /// <summary>Ledger entries, newest first.</summary>
    Task<IReadOnlyList<LedgerEntry>> GetLedgerAsync(LedgerQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The calls attributed to <paramref name="providerId"/>: ledger entries created in [<paramref name="from"/>,
    /// <paramref name="to"/>) that are not cache hits, and the provider's pending reservations, read together, so a call
    /// committing meanwhile is in exactly one of them.
    /// </summary>
    Task<ProviderUses> GetProviderUsesAsync(string providerId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
