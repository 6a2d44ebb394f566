using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Storage;

/// <summary>Providers and their price history.</summary>
public interface IRegistryStore
{
    /// <summary>Every provider.</summary>
    Task<IReadOnlyList<ProviderRecord>> GetProvidersAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a provider (its version is set by the store) and appends a price change if given.</summary>
    Task<ProviderRecord> UpsertProviderAsync(ProviderRecord provider, PriceChange? priceChange, CancellationToken cancellationToken);

    /// <summary>Removes a provider; false when absent.</summary>
    Task<bool> DeleteProviderAsync(string providerId, CancellationToken cancellationToken);

    /// <summary>A provider's price history, oldest first.</summary>
    Task<IReadOnlyList<PriceChange>> GetPriceHistoryAsync(string providerId, CancellationToken cancellationToken);

    /// <summary>A number that grows with every registry change, so nodes can notice others' changes.</summary>
    Task<long> GetRegistryVersionAsync(CancellationToken cancellationToken);
}
