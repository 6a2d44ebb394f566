namespace CostOrchestrator.Abstractions.Registry;

/// <summary>A partial change to a provider: a new price and/or an operator's health override.</summary>
[GenerateSerializer, Immutable, Alias("costorch.ProviderUpdate")]
public sealed record ProviderUpdate
{
    /// <summary>The new price, recorded in the price history.</summary>
    [Id(0)]
    public CostModel? CostModel { get; init; }

    /// <summary>The health to set.</summary>
    [Id(1)]
    public ProviderHealth? Health { get; init; }

    /// <summary>Why (shown in the registry and the decision trace).</summary>
    [Id(2)]
    public string? Reason { get; init; }
}
