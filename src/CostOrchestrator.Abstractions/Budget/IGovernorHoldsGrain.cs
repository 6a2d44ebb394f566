using Orleans.Concurrency;

namespace CostOrchestrator.Abstractions.Budget;

/// <summary>
/// The hold protocol between the reservation coordinator and a scope's governor (the same activation as
/// <see cref="IBudgetGovernorGrain"/>). The governor decides in memory; a hold becomes durable when the
/// coordinator writes the reservation, fenced by the epoch the governor answered with. Callers outside the
/// cluster use <see cref="IReservationCoordinatorGrain"/> instead.
/// </summary>
public interface IGovernorHoldsGrain : IGrainWithStringKey
{
    /// <summary>Takes room for a reservation in every window of the scope, or none and says why.</summary>
    Task<HoldDecision> HoldAsync(HoldRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gives back a hold whose reservation was not written (denied elsewhere in the chain, fenced, failed).</summary>
    Task ForgetHoldAsync(string reservationId, CancellationToken cancellationToken = default);

    /// <summary>The hold's reservation is durable.</summary>
    [OneWay]
    Task ConfirmHoldAsync(string reservationId);

    /// <summary>
    /// What may still be held in the scope now (the smallest room in its current windows); null when the scope is
    /// unlimited. A silo sizes a budget slice's lease from every chain scope's answer.
    /// </summary>
    Task<decimal?> HeadroomAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A budget slice's lease (a pending reservation) was charged <paramref name="chargedCents"/> in all by its calls so
    /// far (as written in the store); when <paramref name="released"/>, the lease was then released, giving back the rest.
    /// </summary>
    Task SliceChargedAsync(string leaseId, decimal chargedCents, bool released, CancellationToken cancellationToken = default);

    /// <summary>The hold's reservation was committed at <paramref name="actualCents"/>, or released when null.</summary>
    Task SettleHoldAsync(string reservationId, decimal? actualCents, CancellationToken cancellationToken = default);
}
