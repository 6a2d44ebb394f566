namespace CostOrchestrator.Abstractions.Budget;

/// <summary>A scope's policy and the state of each of its windows.</summary>
public sealed record ScopeBudget
{
    /// <summary>The scope key.</summary>
    public required string Scope { get; init; }

    /// <summary>The worst status over the windows.</summary>
    public required BudgetStatus Status { get; init; }

    /// <summary>Each window's state.</summary>
    public required IReadOnlyList<WindowState> Windows { get; init; }

    /// <summary>The thresholds in force.</summary>
    public required BudgetThresholds Thresholds { get; init; }

    /// <summary>Overdraft head-room for high-priority work.</summary>
    public decimal OverdraftCents { get; init; }

    /// <summary>False when no policy exists for the scope (spend is still attributed, nothing is limited).</summary>
    public bool HasPolicy { get; init; }
}
