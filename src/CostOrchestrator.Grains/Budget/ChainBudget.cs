using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Grains.Budget;

/// <summary>What the router needs to know about a scope chain right now.</summary>
public sealed record ChainBudget
{
    /// <summary>Each limited scope of the chain.</summary>
    public required IReadOnlyList<ScopeBudget> Scopes { get; init; }

    /// <summary>The tightest status.</summary>
    public required BudgetStatus Status { get; init; }

    /// <summary>The scope with that status.</summary>
    public string? StatusScope { get; init; }

    /// <summary>The smallest head-room over every window (null when nothing is limited).</summary>
    public decimal? HeadroomCents { get; init; }

    /// <summary>The scope with the smallest head-room.</summary>
    public string? HeadroomScope { get; init; }
}
