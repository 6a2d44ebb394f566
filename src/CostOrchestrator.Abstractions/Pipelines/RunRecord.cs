using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A pipeline run and its cost breakdown.</summary>
[GenerateSerializer, Immutable, Alias("costorch.RunRecord")]
public sealed record RunRecord
{
    /// <summary>The run id (<c>run_...</c>).</summary>
    [Id(0)]
    public required string RunId { get; init; }

    /// <summary>The pipeline.</summary>
    [Id(1)]
    public required string PipelineId { get; init; }

    /// <summary>Its status.</summary>
    [Id(2)]
    public required RunStatus Status { get; init; }

    /// <summary>The pipeline as submitted.</summary>
    [Id(3)]
    public required PipelineDefinition Pipeline { get; init; }

    /// <summary>The run's input.</summary>
    [Id(4)]
    public JsonElement? Input { get; init; }

    /// <summary>Every scope the run charges to (the capability and provider links are added per step).</summary>
    [Id(5)]
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>When it was created.</summary>
    [Id(6)]
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it started executing.</summary>
    [Id(7)]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it finished.</summary>
    [Id(8)]
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The run's cost budget in force, if any.</summary>
    [Id(9)]
    public decimal? BudgetLimitCents { get; init; }

    /// <summary>Actual cost charged.</summary>
    [Id(10)]
    public decimal TotalCostCents { get; init; }

    /// <summary>Worst-case cost reserved over the run.</summary>
    [Id(11)]
    public decimal EstimatedCostCents { get; init; }

    /// <summary>Step name to cents.</summary>
    [Id(12)]
    public IReadOnlyDictionary<string, decimal> CostByStep { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Provider id to cents.</summary>
    [Id(13)]
    public IReadOnlyDictionary<string, decimal> CostByProvider { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Capability to cents.</summary>
    [Id(14)]
    public IReadOnlyDictionary<string, decimal> CostByCapability { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Invocations served from cache.</summary>
    [Id(15)]
    public int CacheHits { get; init; }

    /// <summary>Invocations that went to a provider.</summary>
    [Id(16)]
    public int CacheMisses { get; init; }

    /// <summary>What the cache saved.</summary>
    [Id(17)]
    public decimal SavedByCacheCents { get; init; }

    /// <summary>Tokens consumed.</summary>
    [Id(18)]
    public long TokensUsed { get; init; }

    /// <summary>Invocations made (execution step budget).</summary>
    [Id(19)]
    public int InvocationsUsed { get; init; }

    /// <summary>Retries spent.</summary>
    [Id(20)]
    public int RetriesUsed { get; init; }

    /// <summary>Seconds spent executing before the current stint (queued time does not count against the wall-time budget).</summary>
    [Id(21)]
    public double ActiveSeconds { get; init; }

    /// <summary>How many times the run was resumed (after a queue or a node failure); part of its idempotency keys.</summary>
    [Id(22)]
    public int Resumes { get; init; }

    /// <summary>Each step.</summary>
    [Id(23)]
    public required IReadOnlyList<StepRecord> Steps { get; init; }

    /// <summary>Why the run is queued.</summary>
    [Id(24)]
    public string? QueuedReason { get; init; }

    /// <summary>Why it did not succeed.</summary>
    [Id(25)]
    public RunError? Error { get; init; }

    /// <summary>The final output: the last step's result.</summary>
    [Id(26)]
    public JsonElement? Output { get; init; }
}
