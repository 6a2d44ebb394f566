namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>What a step does when no provider fits its budget.</summary>
[GenerateSerializer, Alias("costorch.FallbackPolicy")]
public enum FallbackPolicy
{
    /// <summary>The step fails with a budget error; the run ends <c>budget_rejected</c>.</summary>
    Reject,

    /// <summary>The run parks until a window resets or a limit is raised.</summary>
    Queue,

    /// <summary>Drop the quality floor and preference, free providers first; skip the step if optional.</summary>
    Degrade,
}
