namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>One step of a <see cref="PipelineExplanation"/>.</summary>
[GenerateSerializer, Immutable, Alias("costorch.StepForecast")]
public sealed record StepForecast
{
    /// <summary>The step.</summary>
    [Id(0)]
    public required string Name { get; init; }

    /// <summary>The capability.</summary>
    [Id(1)]
    public required string Capability { get; init; }

    /// <summary>Invocations the step would make (fan-out items).</summary>
    [Id(2)]
    public required int Items { get; init; }

    /// <summary>The provider the router would choose now, or null.</summary>
    [Id(3)]
    public string? ProviderId { get; init; }

    /// <summary>Expected cents for the step.</summary>
    [Id(4)]
    public decimal ExpectedCents { get; init; }

    /// <summary>Worst-case cents for the step, retries included.</summary>
    [Id(5)]
    public decimal WorstCaseCents { get; init; }

    /// <summary>Items already in the cache (they would cost nothing).</summary>
    [Id(6)]
    public int CachedItems { get; init; }

    /// <summary>The routing decision (candidates and why each was dropped).</summary>
    [Id(7)]
    public RoutingDecision? Decision { get; init; }

    /// <summary>What could not be forecast exactly (inputs that depend on earlier steps' results).</summary>
    [Id(8)]
    public string? Note { get; init; }

    /// <summary>The step is optional (skipped when nothing fits), so the run does not need its cost to finish.</summary>
    [Id(9)]
    public bool Optional { get; init; }
}
