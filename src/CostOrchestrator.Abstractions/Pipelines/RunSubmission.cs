using System.Text.Json;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A request to run a pipeline.</summary>
[GenerateSerializer, Immutable, Alias("costorch.RunSubmission")]
public sealed record RunSubmission
{
    /// <summary>The pipeline (already validated).</summary>
    [Id(0)]
    public required PipelineDefinition Pipeline { get; init; }

    /// <summary>The input that templates read as <c>input.*</c>.</summary>
    [Id(1)]
    public JsonElement? Input { get; init; }
}
