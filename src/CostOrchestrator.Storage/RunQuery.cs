using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Storage;

/// <summary>A filter over runs, newest first.</summary>
public sealed record RunQuery
{
    /// <summary>Only this pipeline.</summary>
    public string? PipelineId { get; init; }

    /// <summary>Only this status.</summary>
    public RunStatus? Status { get; init; }

    /// <summary>Only runs created at or after this instant.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only runs created before this instant.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Page size. Default: 50.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Rows to skip. Default: 0.</summary>
    public int Offset { get; init; }
}
