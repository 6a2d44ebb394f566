using System.Text.Json;

namespace CostOrchestrator.Abstractions.Invocation;

/// <summary>A provider's output with its cost metadata.</summary>
[GenerateSerializer, Immutable, Alias("costorch.InvocationResult")]
public sealed record InvocationResult
{
    /// <summary>The output.</summary>
    [Id(0)]
    public required JsonElement Result { get; init; }

    /// <summary>Cost metadata.</summary>
    [Id(1)]
    public required InvocationMeta Meta { get; init; }
}
