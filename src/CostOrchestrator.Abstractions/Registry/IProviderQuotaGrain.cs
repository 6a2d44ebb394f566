namespace CostOrchestrator.Abstractions.Registry;

/// <summary>
/// The <c>monthly_quota</c> of one subscription provider, keyed by its provider id: one activation in the cluster, the
/// authority that admits each call to the provider. The ledger is the durable count (one entry per successful call,
/// written with the call's commit); the grain loads the month's uses and the provider's pending reservations from the
/// store when it activates and when a month starts, then decides in memory: a call is admitted while the uses plus the
/// calls in flight stay below the quota. A call asks after its reservation is written and before the provider is
/// called, and says how it ended.
/// </summary>
public interface IProviderQuotaGrain : IGrainWithStringKey
{
    /// <summary>
    /// Admits the call made under the pending reservation <paramref name="reservationId"/> if <paramref name="monthlyQuota"/>
    /// has room for it. A refused call must not be made (its caller releases the reservation).
    /// </summary>
    Task<QuotaAdmission> AdmitAsync(string reservationId, int monthlyQuota, CancellationToken cancellationToken = default);

    /// <summary>
    /// An admitted call ended: a use when <paramref name="used"/> (its reservation was committed), otherwise its room is
    /// given back. Returns the usage after it.
    /// </summary>
    Task<QuotaUsage> CompleteAsync(string reservationId, bool used, CancellationToken cancellationToken = default);

    /// <summary>The current month's uses and calls in flight.</summary>
    Task<QuotaUsage> GetUsageAsync(CancellationToken cancellationToken = default);
}
