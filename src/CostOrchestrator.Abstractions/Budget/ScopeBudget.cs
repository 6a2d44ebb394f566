namespace CostOrchestrator.Abstractions.Budget;

/// <summary>A scope's policy and the state of each of its windows.</summary>
[GenerateSerializer, Immutable, Alias("costorch.ScopeBudget")]
public sealed record ScopeBudget
{
    /// <summary>The scope key.</summary>
    [Id(0)]
    public required string Scope { get; init; }

    /// <summary>The worst status over the windows.</summary>
    [Id(1)]
    public required BudgetStatus Status { get; init; }

    /// <summary>Each window's state.</summary>
    [Id(2)]
    public required IReadOnlyList<WindowState> Windows { get; init; }

    /// <summary>The thresholds in force.</summary>
    [Id(3)]
    public required BudgetThresholds Thresholds { get; init; }

    /// <summary>Overdraft head-room for high-priority work.</summary>
    [Id(4)]
    public decimal OverdraftCents { get; init; }

    /// <summary>False when no policy exists for the scope (spend is still attributed, nothing is limited).</summary>
    [Id(5)]
    public bool HasPolicy { get; init; }
}
