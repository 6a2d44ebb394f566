namespace CostOrchestrator.Abstractions.Budget;

/// <summary>Tokens consumed by one invocation.</summary>
public sealed record TokenCounts
{
    /// <summary>Input (prompt) tokens.</summary>
    public long Input { get; init; }

    /// <summary>Output (completion) tokens.</summary>
    public long Output { get; init; }

    /// <summary>Of the input, tokens served from the provider's prompt cache.</summary>
    public long CachedInput { get; init; }
}
