namespace CostOrchestrator.Abstractions.Budget;

/// <summary>Tokens consumed by one invocation.</summary>
[GenerateSerializer, Immutable, Alias("costorch.TokenCounts")]
public sealed record TokenCounts
{
    /// <summary>Input (prompt) tokens.</summary>
    [Id(0)]
    public long Input { get; init; }

    /// <summary>Output (completion) tokens.</summary>
    [Id(1)]
    public long Output { get; init; }

    /// <summary>Of the input, tokens served from the provider's prompt cache.</summary>
    [Id(2)]
    public long CachedInput { get; init; }
}
