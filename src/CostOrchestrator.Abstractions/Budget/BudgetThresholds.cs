namespace CostOrchestrator.Abstractions.Budget;

/// <summary>Fractions of a window's limit at which its status changes. Default: 0.80 / 0.90 / 0.98.</summary>
[GenerateSerializer, Immutable, Alias("costorch.BudgetThresholds")]
public sealed record BudgetThresholds
{
    /// <summary>The default thresholds: warn at 80 %, constrained at 90 %, exhausted at 98 %.</summary>
    public static BudgetThresholds Default { get; } = new();

    /// <summary>Warn from this fraction. Default: 0.80.</summary>
    [Id(0)]
    public decimal Warn { get; init; } = 0.80m;

    /// <summary>Constrained from this fraction. Default: 0.90.</summary>
    [Id(1)]
    public decimal Constrained { get; init; } = 0.90m;

    /// <summary>Exhausted from this fraction. Default: 0.98.</summary>
    [Id(2)]
    public decimal Exhausted { get; init; } = 0.98m;
}
