namespace CostOrchestrator.Core.Registry;

/// <summary>The worst-case cost of one invocation on one provider.</summary>
public sealed record CostEstimate
{
    /// <summary>Worst-case cents, rounded up to the micro-cent.</summary>
    public required decimal WorstCaseCents { get; init; }

    /// <summary>Counted input tokens (per-token providers), see <see cref="TokenCounter"/>.</summary>
    public long InputTokens { get; init; }

    /// <summary>Output tokens allowed (per-token providers).</summary>
    public long MaxOutputTokens { get; init; }

    /// <summary>Units (per-unit providers).</summary>
    public decimal Units { get; init; }
}
