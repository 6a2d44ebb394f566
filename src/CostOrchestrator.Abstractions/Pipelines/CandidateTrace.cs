namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>One provider considered by the router, and why it was kept or dropped.</summary>
[GenerateSerializer, Immutable, Alias("costorch.CandidateTrace")]
public sealed record CandidateTrace
{
    /// <summary>The provider.</summary>
    [Id(0)]
    public required string ProviderId { get; init; }

    /// <summary>Its tier.</summary>
    [Id(1)]
    public required int Tier { get; init; }

    /// <summary>Its quality.</summary>
    [Id(2)]
    public required int Quality { get; init; }

    /// <summary>Its worst-case cost for this invocation.</summary>
    [Id(3)]
    public required decimal EstimatedCents { get; init; }

    /// <summary>Position in the final order (1 = first choice); null when dropped.</summary>
    [Id(4)]
    public int? Rank { get; init; }

    /// <summary>Why it was dropped; null when eligible.</summary>
    [Id(5)]
    public string? Dropped { get; init; }

    /// <summary>True when it was dropped for budget (a cap, head-room or degradation status), not health or quality.</summary>
    [Id(6)]
    public bool BudgetLimited { get; init; }
}
