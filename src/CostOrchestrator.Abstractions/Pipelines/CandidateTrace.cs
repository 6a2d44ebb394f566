namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>One provider considered by the router, and why it was kept or dropped.</summary>
public sealed record CandidateTrace
{
    /// <summary>The provider.</summary>
    public required string ProviderId { get; init; }

    /// <summary>Its tier.</summary>
    public required int Tier { get; init; }

    /// <summary>Its quality.</summary>
    public required int Quality { get; init; }

    /// <summary>Its worst-case cost for this invocation.</summary>
    public required decimal EstimatedCents { get; init; }

    /// <summary>Position in the final order (1 = first choice); null when dropped.</summary>
    public int? Rank { get; init; }

    /// <summary>Why it was dropped; null when eligible.</summary>
    public string? Dropped { get; init; }

    /// <summary>True when it was dropped for budget (a cap, head-room or degradation status), not health or quality.</summary>
    public bool BudgetLimited { get; init; }
}
