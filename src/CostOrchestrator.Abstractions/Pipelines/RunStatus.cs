namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A run's status.</summary>
[GenerateSerializer, Alias("costorch.RunStatus")]
public enum RunStatus
{
    /// <summary>Accepted, not started.</summary>
    Pending,

    /// <summary>Executing steps.</summary>
    Running,

    /// <summary>Parked by <c>fallback: queue</c> until a window resets or a limit is raised.</summary>
    Queued,

    /// <summary>Every step completed.</summary>
    Succeeded,

    /// <summary>A step failed.</summary>
    Failed,

    /// <summary>A step could not be served within budget.</summary>
    BudgetRejected,

    /// <summary>Cancelled by a caller.</summary>
    Cancelled,
}
