using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>The router's explanation of one choice: every candidate, in order, with the reason for each drop.</summary>
[GenerateSerializer, Immutable, Alias("costorch.RoutingDecision")]
public sealed record RoutingDecision
{
    /// <summary>The capability routed.</summary>
    [Id(0)]
    public required string Capability { get; init; }

    /// <summary>The tightest budget status in the chain.</summary>
    [Id(1)]
    public required BudgetStatus BudgetStatus { get; init; }

    /// <summary>The scope that set that status, if not normal.</summary>
    [Id(2)]
    public string? StatusScope { get; init; }

    /// <summary>The preference after status overrides.</summary>
    [Id(3)]
    public required RoutePreference Prefer { get; init; }

    /// <summary>Candidates in final order, dropped ones last.</summary>
    [Id(4)]
    public required IReadOnlyList<CandidateTrace> Candidates { get; init; }

    /// <summary>Overrides applied (warn, constrained, exhausted, degrade, overdraft).</summary>
    [Id(5)]
    public IReadOnlyList<string> Notes { get; init; } = [];
}
