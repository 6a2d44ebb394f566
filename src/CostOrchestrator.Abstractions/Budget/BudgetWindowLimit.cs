namespace CostOrchestrator.Abstractions.Budget;

/// <summary>A limit on one window of a scope.</summary>
[GenerateSerializer, Immutable, Alias("costorch.BudgetWindowLimit")]
public sealed record BudgetWindowLimit
{
    /// <summary>The window.</summary>
    [Id(0)]
    public required WindowKind Window { get; init; }

    /// <summary>The most that may be charged plus reserved in one window, in cents. Zero means free providers only.</summary>
    [Id(1)]
    public required decimal LimitCents { get; init; }
}
