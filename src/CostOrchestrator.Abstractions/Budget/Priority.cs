namespace CostOrchestrator.Abstractions.Budget;

/// <summary>Work priority. Only <see cref="High"/> may use a scope's overdraft head-room.</summary>
[GenerateSerializer, Alias("costorch.Priority")]
public enum Priority
{
    /// <summary>Batch work; first to be parked.</summary>
    Low,

    /// <summary>The default.</summary>
    Normal,

    /// <summary>May use <see cref="BudgetPolicy.OverdraftCents"/> and is not degraded by warn/constrained status.</summary>
    High,
}
