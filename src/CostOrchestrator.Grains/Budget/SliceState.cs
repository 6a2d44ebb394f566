namespace CostOrchestrator.Grains.Budget;

/// <summary>One slice as <see cref="BudgetSlices.Describe"/> reports it.</summary>
/// <param name="Chain">The chain's scopes.</param>
/// <param name="LeaseId">The lease (a reservation) holding its room.</param>
/// <param name="GrantedCents">What the lease reserved.</param>
/// <param name="RemainingCents">What calls may still take.</param>
/// <param name="ChargedCents">What its committed calls cost.</param>
/// <param name="FlushedCents">How much of that is written in the store.</param>
/// <param name="Closed">True once it takes no more calls.</param>
public sealed record SliceState(IReadOnlyList<string> Chain, string LeaseId, decimal GrantedCents, decimal RemainingCents, decimal ChargedCents, decimal FlushedCents, bool Closed);
