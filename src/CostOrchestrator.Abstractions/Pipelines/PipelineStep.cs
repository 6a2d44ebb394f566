namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A named step of a pipeline.</summary>
public sealed record PipelineStep
{
    /// <summary>Unique within the pipeline; <c>steps.&lt;name&gt;</c> in templates.</summary>
    public required string Name { get; init; }

    /// <summary>What the step invokes.</summary>
    public required StepInvoke Invoke { get; init; }
}
