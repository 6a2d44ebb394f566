using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Client.Pipelines;

/// <summary>One row of <c>GET /v1/runs</c>: a run's totals without its steps (read those with <see cref="IPipelineRunGrain.GetAsync"/>).</summary>
public sealed record RunSummary
{
    /// <summary>The run id (<c>run_...</c>).</summary>
    public required string RunId { get; init; }

    /// <summary>The pipeline.</summary>
    public required string PipelineId { get; init; }

    /// <summary>Its status.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it started executing.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Actual cost charged, in cents.</summary>
    public decimal TotalCostCents { get; init; }

    /// <summary>Worst-case cost reserved over the run, in cents.</summary>
    public decimal EstimatedCostCents { get; init; }

    /// <summary>The run's cost budget in force, if any.</summary>
    public decimal? BudgetLimitCents { get; init; }

    /// <summary>Invocations served from cache.</summary>
    public int CacheHits { get; init; }

    /// <summary>Invocations that went to a provider.</summary>
    public int CacheMisses { get; init; }

    /// <summary>What the cache saved, in cents.</summary>
    public decimal SavedByCacheCents { get; init; }

    /// <summary>Why it did not succeed.</summary>
    public RunError? Error { get; init; }
}
