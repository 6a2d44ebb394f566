namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A run's own cost budget.</summary>
public sealed record RunBudget
{
    /// <summary>The most one run may spend, in cents.</summary>
    public required decimal LimitCents { get; init; }
}
