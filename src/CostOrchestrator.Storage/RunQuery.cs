using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Storage;

/// <summary>A filter over runs, newest first.</summary>
public sealed record RunQuery
{
    /// <summary>Only this pipeline.</summary>
    public string? PipelineId { get; init; }

    /// <summary>Only this status.</summary>
    public RunStatus? Status { get; init; }

    /// <summary>Page size. Default: 50.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Rows to skip. Default: 0.</summary>
    public int Offset { get; init; }
}
