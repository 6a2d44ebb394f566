namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A run's own cost budget.</summary>
[GenerateSerializer, Immutable, Alias("costorch.RunBudget")]
public sealed record RunBudget
{
    /// <summary>The most one run may spend, in cents.</summary>
    [Id(0)]
    public required decimal LimitCents { get; init; }
}
