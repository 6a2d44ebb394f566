using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Storage;

/// <summary>
/// The providers and price history a node kept in its own tables before the registry became the registry grain's
/// persisted state. Read once, by the registry grain's first activation, to carry them over; nothing writes them now.
/// </summary>
public interface IRegistryStore
{
    /// <summary>Every provider in the <c>providers</c> table.</summary>
    Task<IReadOnlyList<ProviderRecord>> GetProvidersAsync(CancellationToken cancellationToken);

    /// <summary>A provider's rows in the <c>price_history</c> table, oldest first.</summary>
    Task<IReadOnlyList<PriceChange>> GetPriceHistoryAsync(string providerId, CancellationToken cancellationToken);
}
