using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Grains.Pipelines;

/// <summary>EXPLAIN for cost: what a run would do now, without invoking or reserving anything.</summary>
public sealed record PipelineExplanation
{
    /// <summary>The pipeline.</summary>
    public required string PipelineId { get; init; }

    /// <summary>Each step's forecast.</summary>
    public required IReadOnlyList<StepForecast> Steps { get; init; }

    /// <summary>Sum of the steps' expected cost (the chosen provider's price for every item, cache hits free).</summary>
    public required decimal ExpectedCents { get; init; }

    /// <summary>Sum of the steps' worst case (every item, every retry allowed, at the chosen provider's worst case).</summary>
    public required decimal WorstCaseCents { get; init; }

    /// <summary>The run's own budget, if any.</summary>
    public decimal? RunBudgetCents { get; init; }

    /// <summary>True when the expected cost fits the run budget and every limited scope's head-room.</summary>
    public required bool Fits { get; init; }

    /// <summary>Why it does not fit, one line per reason.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}

/// <summary>One step of an explanation.</summary>
public sealed record StepForecast
{
    /// <summary>The step.</summary>
    public required string Name { get; init; }

    /// <summary>The capability.</summary>
    public required string Capability { get; init; }

    /// <summary>Invocations the step would make (fan-out items).</summary>
    public required int Items { get; init; }

    /// <summary>The provider the router would choose now, or null.</summary>
    public string? ProviderId { get; init; }

    /// <summary>Expected cents for the step.</summary>
    public decimal ExpectedCents { get; init; }

    /// <summary>Worst-case cents for the step, retries included.</summary>
    public decimal WorstCaseCents { get; init; }

    /// <summary>Items already in the cache (they would cost nothing).</summary>
    public int CachedItems { get; init; }

    /// <summary>The routing decision (candidates and why each was dropped).</summary>
    public RoutingDecision? Decision { get; init; }

    /// <summary>What could not be forecast exactly (inputs that depend on earlier steps' results).</summary>
    public string? Note { get; init; }
}
