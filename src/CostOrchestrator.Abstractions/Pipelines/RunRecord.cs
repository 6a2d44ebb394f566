using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A pipeline run and its cost breakdown (seed 000 <c>PipelineRunRecord</c>).</summary>
public sealed record RunRecord
{
    /// <summary>The run id (<c>run_...</c>).</summary>
    public required string RunId { get; init; }

    /// <summary>The pipeline.</summary>
    public required string PipelineId { get; init; }

    /// <summary>Its status.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>The pipeline as submitted.</summary>
    public required PipelineDefinition Pipeline { get; init; }

    /// <summary>The run's input.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>Every scope the run charges to (the capability and provider links are added per step).</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it started executing.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The run's cost budget in force, if any.</summary>
    public decimal? BudgetLimitCents { get; init; }

    /// <summary>Actual cost charged.</summary>
    public decimal TotalCostCents { get; init; }

    /// <summary>Worst-case cost reserved over the run.</summary>
    public decimal EstimatedCostCents { get; init; }

    /// <summary>Step name to cents.</summary>
    public IReadOnlyDictionary<string, decimal> CostByStep { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Provider id to cents.</summary>
    public IReadOnlyDictionary<string, decimal> CostByProvider { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Capability to cents.</summary>
    public IReadOnlyDictionary<string, decimal> CostByCapability { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Invocations served from cache.</summary>
    public int CacheHits { get; init; }

    /// <summary>Invocations that went to a provider.</summary>
    public int CacheMisses { get; init; }

    /// <summary>What the cache saved.</summary>
    public decimal SavedByCacheCents { get; init; }

    /// <summary>Tokens consumed.</summary>
    public long TokensUsed { get; init; }

    /// <summary>Invocations made (execution step budget).</summary>
    public int InvocationsUsed { get; init; }

    /// <summary>Retries spent.</summary>
    public int RetriesUsed { get; init; }

    /// <summary>Seconds spent executing before the current stint (queued time does not count against the wall-time budget).</summary>
    public double ActiveSeconds { get; init; }

    /// <summary>How many times the run was resumed (after a queue or a node failure); part of its idempotency keys.</summary>
    public int Resumes { get; init; }

    /// <summary>Each step.</summary>
    public required IReadOnlyList<StepRecord> Steps { get; init; }

    /// <summary>Why the run is queued.</summary>
    public string? QueuedReason { get; init; }

    /// <summary>Why it did not succeed.</summary>
    public RunError? Error { get; init; }

    /// <summary>The final output: the last step's result.</summary>
    public JsonElement? Output { get; init; }
}
