namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A named step of a pipeline.</summary>
[GenerateSerializer, Immutable, Alias("costorch.PipelineStep")]
public sealed record PipelineStep
{
    /// <summary>Unique within the pipeline; <c>steps.&lt;name&gt;</c> in templates.</summary>
    [Id(0)]
    public required string Name { get; init; }

    /// <summary>What the step invokes.</summary>
    [Id(1)]
    public required StepInvoke Invoke { get; init; }
}
