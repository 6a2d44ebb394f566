namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>
/// EXPLAIN for cost: what a run would do now, without invoking or reserving anything (<c>POST /v1/explain</c>,
/// <c>POST /v1/pipelines/{id}/explain</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("costorch.PipelineExplanation")]
public sealed record PipelineExplanation
{
    /// <summary>The pipeline.</summary>
    [Id(0)]
    public required string PipelineId { get; init; }

    /// <summary>Each step's forecast.</summary>
    [Id(1)]
    public required IReadOnlyList<StepForecast> Steps { get; init; }

    /// <summary>Sum of the steps' expected cost (the chosen provider's price for every item, cache hits free).</summary>
    [Id(2)]
    public required decimal ExpectedCents { get; init; }

    /// <summary>Sum of the steps' worst case (every item, every retry allowed, at the chosen provider's worst case).</summary>
    [Id(3)]
    public required decimal WorstCaseCents { get; init; }

    /// <summary>The run's own budget, if any.</summary>
    [Id(4)]
    public decimal? RunBudgetCents { get; init; }

    /// <summary>
    /// True when the run can finish: its required steps' reservations (every uncached item at the chosen provider's
    /// worst case) fit the run budget and every limited scope's head-room, and each required step has a provider.
    /// Optional steps are left out: when nothing fits they are skipped, and the run still finishes.
    /// </summary>
    [Id(5)]
    public required bool Fits { get; init; }

    /// <summary>Why it does not fit, one line per reason.</summary>
    [Id(6)]
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>
    /// The scope windows whose head-room is below what the required steps need, tightest first, each as the refusal a
    /// governor would give (<c>requested_cents</c> is the whole run's need in that scope).
    /// </summary>
    [Id(7)]
    public IReadOnlyList<Budget.BudgetDenial> Shortfalls { get; init; } = [];

    /// <summary>
    /// A required step, after the first one left, that no provider fits now because of budget (null when none). The
    /// first one left is not counted here: reached at once, it is refused with nothing spent and its own reasons.
    /// </summary>
    [Id(8)]
    public string? UnfittedStep { get; init; }

    /// <summary>True when the expected cost of the required steps is above the run's own budget.</summary>
    [Id(9)]
    public bool OverRunBudget { get; init; }
}
