using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A pipeline as submitted in JSON or in the short YAML form (a bare <c>pipeline:</c> list).</summary>
[GenerateSerializer, Immutable, Alias("costorch.PipelineDefinition")]
public sealed record PipelineDefinition
{
    /// <summary>The pipeline id; charged as <c>pipeline:&lt;id&gt;</c>.</summary>
    [Id(0)]
    public required string Id { get; init; }

    /// <summary>Organisational scopes.</summary>
    [Id(1)]
    public PipelineScopes Scopes { get; init; } = new();

    /// <summary>Priority of its steps. Default: normal.</summary>
    [Id(2)]
    public Priority Priority { get; init; } = Priority.Normal;

    /// <summary>The run's cost budget; absent means the pipeline's configured per-run limit, if any.</summary>
    [Id(3)]
    public RunBudget? Budget { get; init; }

    /// <summary>Execution budgets.</summary>
    [Id(4)]
    public PipelineLimits Limits { get; init; } = PipelineLimits.Default;

    /// <summary>The steps, run in order.</summary>
    [Id(5)]
    public required IReadOnlyList<PipelineStep> Steps { get; init; }

    /// <summary>
    /// Lets a run start, and a fan-out begin, even when its whole worst case does not fit the budgets now: steps
    /// run until one is refused, keeping what they bought. Default false: a run that cannot finish spends nothing.
    /// </summary>
    [Id(6)]
    public bool PartialProgress { get; init; }
}
