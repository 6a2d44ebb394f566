using Orleans.Concurrency;

namespace CostOrchestrator.Abstractions.Registry;

/// <summary>
/// The authoritative price and health list of every provider.
/// One grain in the cluster, under the key <see cref="DefaultKey"/>, owning the registry as its persisted state; every
/// silo routes from its own copy, which the grain keeps current (<see cref="IRegistryPublisherGrain"/>).
/// </summary>
public interface ICapabilityRegistryGrain : IGrainWithStringKey
{
    /// <summary>The key of the registry grain.</summary>
    const string DefaultKey = "registry";

    /// <summary>All providers, or those of one capability.</summary>
    [ReadOnly]
    Task<IReadOnlyList<ProviderRecord>> GetProvidersAsync(string? capability = null, CancellationToken cancellationToken = default);

    /// <summary>One provider, or null.</summary>
    Task<ProviderRecord?> GetProviderAsync(string providerId, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a provider. A changed price is appended to the price history.</summary>
    Task<ProviderRecord> UpsertProviderAsync(ProviderRecord provider, CancellationToken cancellationToken = default);

    /// <summary>Changes a provider's price and/or health; null when the provider does not exist.</summary>
    Task<ProviderRecord?> UpdateProviderAsync(string providerId, ProviderUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Removes a provider; false when it did not exist.</summary>
    Task<bool> DeleteProviderAsync(string providerId, CancellationToken cancellationToken = default);

    /// <summary>A provider's price history, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<PriceChange>> GetPriceHistoryAsync(string providerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the outcome of one call for passive health tracking: latency EWMA, error rate and the
    /// circuit breaker (consecutive failures open it; it half-opens after the cooldown). A health change reaches every
    /// silo's copy before this returns.
    /// </summary>
    Task ReportOutcomeAsync(string providerId, bool success, double latencyMs, CancellationToken cancellationToken = default);

    /// <summary>Runs every provider's active health check now (a missing local program marks it down). Returns how many are down.</summary>
    Task<int> CheckHealthAsync(CancellationToken cancellationToken = default);
}
