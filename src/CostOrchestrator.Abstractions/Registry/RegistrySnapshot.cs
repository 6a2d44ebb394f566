namespace CostOrchestrator.Abstractions.Registry;

/// <summary>Every provider as the registry holds it, at one version of its state.</summary>
[GenerateSerializer, Immutable, Alias("costorch.RegistrySnapshot")]
public sealed record RegistrySnapshot
{
    /// <summary>Grows with every change of a price, a health state or the provider list.</summary>
    [Id(0)]
    public required long Version { get; init; }

    /// <summary>The providers, ordered by capability then id.</summary>
    [Id(1)]
    public required IReadOnlyList<ProviderRecord> Providers { get; init; }
}
