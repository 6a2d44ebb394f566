using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Grains.Registry;

/// <summary>The registry grain's persisted state: every provider and its price history.</summary>
[GenerateSerializer, Alias("costorch.RegistryState")]
public sealed class RegistryState
{
    /// <summary>Grows with every change written (the copies' version).</summary>
    [Id(0)]
    public long Version { get; set; }

    /// <summary>Providers by id.</summary>
    [Id(1)]
    public Dictionary<string, ProviderRecord> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Each provider's price changes, oldest first.</summary>
    [Id(2)]
    public Dictionary<string, List<PriceChange>> PriceHistory { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the rows a node kept in the <c>providers</c> and <c>price_history</c> tables before the registry became
    /// grain state have been carried over (done once, on the first activation).
    /// </summary>
    [Id(3)]
    public bool Imported { get; set; }
}
