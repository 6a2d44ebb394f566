namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A run's execution budgets besides cost: steps, retries, fan-out, tokens, wall time.</summary>
[GenerateSerializer, Immutable, Alias("costorch.PipelineLimits")]
public sealed record PipelineLimits
{
    /// <summary>The defaults.</summary>
    public static PipelineLimits Default { get; } = new();

    /// <summary>Invocations a run may make (each fan-out item counts). Default: 50.</summary>
    [Id(0)]
    public int MaxSteps { get; init; } = 50;

    /// <summary>Retries a run may spend in total. Default: 3.</summary>
    [Id(1)]
    public int MaxRetries { get; init; } = 3;

    /// <summary>Items one <c>for_each</c> may fan out to. Default: 20.</summary>
    [Id(2)]
    public int MaxFanout { get; init; } = 20;

    /// <summary>Tokens (input + output) a run may consume. Default: 200,000.</summary>
    [Id(3)]
    public long MaxTokens { get; init; } = 200_000;

    /// <summary>Wall-clock seconds a run may take. Default: 900.</summary>
    [Id(4)]
    public int TimeoutSeconds { get; init; } = 900;
}
