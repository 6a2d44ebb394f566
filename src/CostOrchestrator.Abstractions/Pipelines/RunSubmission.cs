using System.Text.Json;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A request to run a pipeline.</summary>
public sealed record RunSubmission
{
    /// <summary>The pipeline (already validated).</summary>
    public required PipelineDefinition Pipeline { get; init; }

    /// <summary>The input that templates read as <c>input.*</c>.</summary>
    public JsonElement? Input { get; init; }
}
