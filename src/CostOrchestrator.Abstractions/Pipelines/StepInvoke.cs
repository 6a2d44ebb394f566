using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>The <c>invoke</c> of a step: which capability, with what inputs, under which budget and policy.</summary>
[GenerateSerializer, Immutable, Alias("costorch.StepInvoke")]
public sealed record StepInvoke
{
    /// <summary>The capability to invoke.</summary>
    [Id(0)]
    public required string Capability { get; init; }

    /// <summary>Inputs, templated with <c>{{ input.x }}</c>, <c>{{ steps.name.result.y }}</c> and <c>{{ item }}</c>.</summary>
    [Id(1)]
    public JsonElement? Inputs { get; init; }

    /// <summary>Hard cap per invocation, in cents; absent means only the run and scope budgets apply.</summary>
    [Id(2)]
    public decimal? BudgetCents { get; init; }

    /// <summary>Routing preference. Default: cheapest.</summary>
    [Id(3)]
    public RoutePreference Prefer { get; init; } = RoutePreference.Cheapest;

    /// <summary>What to do when nothing fits. Default: reject.</summary>
    [Id(4)]
    public FallbackPolicy Fallback { get; init; } = FallbackPolicy.Reject;

    /// <summary>Overrides the pipeline's priority for this step.</summary>
    [Id(5)]
    public Priority? Priority { get; init; }

    /// <summary>Task complexity, giving a minimum quality.</summary>
    [Id(6)]
    public TaskComplexity? Complexity { get; init; }

    /// <summary>Minimum quality 1..3 (overrides complexity).</summary>
    [Id(7)]
    public int? MinQuality { get; init; }

    /// <summary>On failure, move to the next higher-quality provider. Default: false.</summary>
    [Id(8)]
    public bool Escalate { get; init; }

    /// <summary>Retries on the same provider before the next candidate. Default: 1.</summary>
    [Id(9)]
    public int? Retries { get; init; }

    /// <summary>Per-invocation timeout. Default: 120 s.</summary>
    [Id(10)]
    public int? TimeoutSeconds { get; init; }

    /// <summary>Serve identical work from the content-addressed cache. Default: true.</summary>
    [Id(11)]
    public bool Cache { get; init; } = true;

    /// <summary>With <c>fallback: degrade</c>, skip the step when nothing fits. Default: false.</summary>
    [Id(12)]
    public bool Optional { get; init; }

    /// <summary>A template yielding a list: one invocation per item, capped by <c>max_fanout</c>.</summary>
    [Id(13)]
    public string? ForEach { get; init; }
}
