namespace CostOrchestrator.Abstractions.Registry;

/// <summary>One entry of a provider's price history.</summary>
[GenerateSerializer, Immutable, Alias("costorch.PriceChange")]
public sealed record PriceChange
{
    /// <summary>The provider.</summary>
    [Id(0)]
    public required string ProviderId { get; init; }

    /// <summary>The price that took effect.</summary>
    [Id(1)]
    public required CostModel CostModel { get; init; }

    /// <summary>When it took effect.</summary>
    [Id(2)]
    public required DateTimeOffset ChangedAt { get; init; }
}
