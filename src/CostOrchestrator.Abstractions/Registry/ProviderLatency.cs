namespace CostOrchestrator.Abstractions.Registry;

/// <summary>The latency of one successful call to a provider.</summary>
[GenerateSerializer, Immutable, Alias("costorch.ProviderLatency")]
public sealed record ProviderLatency
{
    /// <summary>The provider called.</summary>
    [Id(0)]
    public required string ProviderId { get; init; }

    /// <summary>How long the call took, in milliseconds.</summary>
    [Id(1)]
    public required double LatencyMs { get; init; }
}
