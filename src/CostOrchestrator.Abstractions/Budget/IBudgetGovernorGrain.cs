using Orleans.Concurrency;

namespace CostOrchestrator.Abstractions.Budget;

/// <summary>
/// The budget governor of one scope: its policy and windows. Orleans keeps one activation per scope in the
/// cluster, handling one call at a time; that activation is the authority for the scope's check-and-charge
/// (see <see cref="IGovernorHoldsGrain"/>). Reservations go through <see cref="IReservationCoordinatorGrain"/>,
/// which asks the governor of every scope in the chain.
/// </summary>
public interface IBudgetGovernorGrain : IGrainWithStringKey
{
    /// <summary>The scope's policy and windows now, as written (read from the store; it never waits for a decision).</summary>
    [AlwaysInterleave]
    Task<ScopeBudget> GetBudgetAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the scope's policy; takes effect for the next decision.</summary>
    Task<ScopeBudget> SetPolicyAsync(BudgetPolicy policy, CancellationToken cancellationToken = default);
}
