using System.Text.Json;
using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Providers;

/// <summary>One call to a provider.</summary>
public sealed record ProviderCall
{
    /// <summary>The provider record (price, settings).</summary>
    public required ProviderRecord Provider { get; init; }

    /// <summary>The rendered inputs.</summary>
    public required JsonElement Inputs { get; init; }

    /// <summary>The invocation id, also used to name artifacts.</summary>
    public required string InvocationId { get; init; }

    /// <summary>1 for the first attempt on this provider.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>Where file outputs go.</summary>
    public required string ArtifactDirectory { get; init; }
}
