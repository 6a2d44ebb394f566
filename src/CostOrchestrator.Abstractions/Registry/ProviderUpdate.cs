namespace CostOrchestrator.Abstractions.Registry;

/// <summary>A partial change to a provider: a new price and/or an operator's health override.</summary>
public sealed record ProviderUpdate
{
    /// <summary>The new price, recorded in the price history.</summary>
    public CostModel? CostModel { get; init; }

    /// <summary>The health to set.</summary>
    public ProviderHealth? Health { get; init; }

    /// <summary>Why (shown in the registry and the decision trace).</summary>
    public string? Reason { get; init; }
}
