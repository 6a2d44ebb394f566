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

    /// <summary>
    /// True when the run can finish: its required steps' reservations (every uncached item at the chosen provider's
    /// worst case) fit the run budget and every limited scope's head-room, and each required step has a provider.
    /// Optional steps are left out: when nothing fits they are skipped, and the run still finishes.
    /// </summary>
    public required bool Fits { get; init; }

    /// <summary>Why it does not fit, one line per reason.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>
    /// The scope windows whose head-room is below what the required steps need, tightest first, each as the refusal a
    /// governor would give (<c>requested_cents</c> is the whole run's need in that scope).
    /// </summary>
    public IReadOnlyList<Abstractions.Budget.BudgetDenial> Shortfalls { get; init; } = [];

    /// <summary>
    /// A required step, after the first one left, that no provider fits now because of budget (null when none). The
    /// first one left is not counted here: reached at once, it is refused with nothing spent and its own reasons.
    /// </summary>
    public string? UnfittedStep { get; init; }

    /// <summary>True when the expected cost of the required steps is above the run's own budget.</summary>
    public bool OverRunBudget { get; init; }
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

    /// <summary>The step is optional (skipped when nothing fits), so the run does not need its cost to finish.</summary>
    public bool Optional { get; init; }
}
