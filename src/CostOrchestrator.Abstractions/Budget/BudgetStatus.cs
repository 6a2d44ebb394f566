namespace CostOrchestrator.Abstractions.Budget;

/// <summary>The degradation status of a budget: normal, then warn, constrained and exhausted as consumption crosses its thresholds.</summary>
[GenerateSerializer, Alias("costorch.BudgetStatus")]
public enum BudgetStatus
{
    /// <summary>Below the warn threshold: standard routing.</summary>
    Normal,

    /// <summary>Warn (80 % by default): prefer the cheapest provider everywhere, alert.</summary>
    Warn,

    /// <summary>Constrained (90 %): free and local providers only; paid-only work is refused or queued.</summary>
    Constrained,

    /// <summary>Exhausted (98 %): free only (tier 1, 2, then 4); whatever cannot be served free is rejected.</summary>
    Exhausted,
}
