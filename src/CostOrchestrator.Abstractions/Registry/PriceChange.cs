namespace CostOrchestrator.Abstractions.Registry;

/// <summary>One entry of a provider's price history.</summary>
public sealed record PriceChange
{
    /// <summary>The provider.</summary>
    public required string ProviderId { get; init; }

    /// <summary>The price that took effect.</summary>
    public required CostModel CostModel { get; init; }

    /// <summary>When it took effect.</summary>
    public required DateTimeOffset ChangedAt { get; init; }
}
