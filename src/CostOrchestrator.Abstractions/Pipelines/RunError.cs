namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>Why a run or step did not succeed, with a stable code.</summary>
public sealed record RunError
{
    /// <summary>Stable code: <c>budget_exceeded</c>, <c>no_provider</c>, <c>provider_failed</c>, <c>limit_exceeded</c>, <c>timeout</c>, <c>cancelled</c>, <c>invalid_pipeline</c>.</summary>
    public required string Code { get; init; }

    /// <summary>A sentence for humans.</summary>
    public required string Message { get; init; }

    /// <summary>The step at fault.</summary>
    public string? Step { get; init; }

    /// <summary>The field at fault.</summary>
    public string? Field { get; init; }

    /// <summary>The budget scope at fault.</summary>
    public string? Scope { get; init; }
}
