using System.Text.Json;

namespace CostOrchestrator.Abstractions.Invocation;

/// <summary>A provider's output with its cost metadata.</summary>
public sealed record InvocationResult
{
    /// <summary>The output.</summary>
    public required JsonElement Result { get; init; }

    /// <summary>Cost metadata.</summary>
    public required InvocationMeta Meta { get; init; }
}
