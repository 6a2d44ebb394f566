namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>Why a run or step did not succeed, with a stable code.</summary>
[GenerateSerializer, Immutable, Alias("costorch.RunError")]
public sealed record RunError
{
    /// <summary>Stable code: <c>budget_exceeded</c>, <c>no_provider</c>, <c>provider_failed</c>, <c>limit_exceeded</c>, <c>timeout</c>, <c>cancelled</c>, <c>invalid_pipeline</c>.</summary>
    [Id(0)]
    public required string Code { get; init; }

    /// <summary>A sentence for humans.</summary>
    [Id(1)]
    public required string Message { get; init; }

    /// <summary>The step at fault.</summary>
    [Id(2)]
    public string? Step { get; init; }

    /// <summary>The field at fault.</summary>
    [Id(3)]
    public string? Field { get; init; }

    /// <summary>The budget scope at fault.</summary>
    [Id(4)]
    public string? Scope { get; init; }

    /// <summary>
    /// For <c>budget_exceeded</c> refused by a scope's limit: the scope and window that refused, with its spend,
    /// reservations, limit and the amount asked for (null when a step's own budget_cents refused).
    /// </summary>
    [Id(5)]
    public Budget.BudgetDenial? Denial { get; init; }
}
