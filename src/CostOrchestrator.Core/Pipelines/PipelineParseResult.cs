using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Core.Pipelines;

/// <summary>A parsed pipeline, or every error found in it.</summary>
public sealed record PipelineParseResult
{
    /// <summary>The pipeline when valid.</summary>
    public PipelineDefinition? Pipeline { get; init; }

    /// <summary>Errors, each naming its field.</summary>
    public IReadOnlyList<FieldError> Errors { get; init; } = [];

    /// <summary>True when valid.</summary>
    public bool IsValid => Pipeline is not null && Errors.Count == 0;
}
