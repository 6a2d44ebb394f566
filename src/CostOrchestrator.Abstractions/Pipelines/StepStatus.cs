namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A step's status within a run.</summary>
[GenerateSerializer, Alias("costorch.StepStatus")]
public enum StepStatus
{
    /// <summary>Not reached yet.</summary>
    Pending,

    /// <summary>Invoking.</summary>
    Running,

    /// <summary>Done.</summary>
    Succeeded,

    /// <summary>Skipped (optional step with nothing in budget).</summary>
    Skipped,

    /// <summary>Every candidate failed.</summary>
    Failed,

    /// <summary>No provider fitted the budget.</summary>
    BudgetRejected,
}
