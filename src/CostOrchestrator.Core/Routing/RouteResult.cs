using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Core.Routing;

/// <summary>The ordered providers to try, with the explanation.</summary>
public sealed record RouteResult
{
    /// <summary>Eligible providers, best first, with their worst-case cost.</summary>
    public required IReadOnlyList<(ProviderRecord Provider, decimal WorstCaseCents)> Ordered { get; init; }

    /// <summary>The decision trace.</summary>
    public required RoutingDecision Decision { get; init; }

    /// <summary>True when at least one provider is eligible.</summary>
    public bool HasCandidate => Ordered.Count > 0;
}
