using Orleans.Concurrency;

namespace CostOrchestrator.Abstractions.Budget;

/// <summary>
/// The budget governor of one scope (seed 000 <c>BudgetGovernorDO</c>): its policy, its windows, and the
/// reservation protocol. <see cref="ReserveAsync"/> reserves across the request's whole chain, all or
/// nothing. Orleans keeps one activation per scope in the cluster, which
/// handles one call at a time.
/// </summary>
public interface IBudgetGovernorGrain : IGrainWithStringKey
{
    /// <summary>The scope's policy and windows now.</summary>
    [ReadOnly]
    Task<ScopeBudget> GetBudgetAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the scope's policy; takes effect for the next decision.</summary>
    Task<ScopeBudget> SetPolicyAsync(BudgetPolicy policy, CancellationToken cancellationToken = default);

    /// <summary>Reserves the worst-case cost on every scope of the chain, or none.</summary>
    Task<ReservationOutcome> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Replaces a pending reservation by the actual cost and writes the ledger entry. Idempotent.</summary>
    Task<Reservation?> CommitAsync(string reservationId, decimal actualCents, TokenCounts? tokens = null, CancellationToken cancellationToken = default);

    /// <summary>Gives a pending reservation back. Idempotent.</summary>
    Task<Reservation?> ReleaseAsync(string reservationId, CancellationToken cancellationToken = default);
}
