namespace CostOrchestrator.Abstractions.Budget;

/// <summary>The limits and degradation policy of one budget scope.</summary>
[GenerateSerializer, Immutable, Alias("costorch.BudgetPolicy")]
public sealed record BudgetPolicy
{
    /// <summary>The scope key, e.g. <c>global</c>, <c>team:media</c>, <c>capability:tts-generate</c>.</summary>
    [Id(0)]
    public required string Scope { get; init; }

    /// <summary>Zero or more windows, each with its own limit.</summary>
    [Id(1)]
    public required IReadOnlyList<BudgetWindowLimit> Windows { get; init; }

    /// <summary>Status thresholds. Default: <see cref="BudgetThresholds.Default"/>.</summary>
    [Id(2)]
    public BudgetThresholds Thresholds { get; init; } = BudgetThresholds.Default;

    /// <summary>Head-room above the limit that only high-priority work may use, recorded as an override. Default: 0.</summary>
    [Id(3)]
    public decimal OverdraftCents { get; init; }

    /// <summary>Row version, increased on every change.</summary>
    [Id(4)]
    public long Version { get; init; }
}
