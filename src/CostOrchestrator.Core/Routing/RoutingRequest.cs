using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Core.Routing;

/// <summary>Everything the router needs to pick providers for one invocation. Pure data, no I/O.</summary>
public sealed record RoutingRequest
{
    /// <summary>The capability.</summary>
    public required string Capability { get; init; }

    /// <summary>The capability's providers.</summary>
    public required IReadOnlyList<ProviderRecord> Providers { get; init; }

    /// <summary>The rendered inputs, for cost estimates.</summary>
    public JsonElement? Inputs { get; init; }

    /// <summary>The step's per-invocation cap.</summary>
    public decimal? StepBudgetCents { get; init; }

    /// <summary>The step's preference.</summary>
    public RoutePreference Prefer { get; init; } = RoutePreference.Cheapest;

    /// <summary>Minimum quality (from complexity or <c>min_quality</c>). Default: 1.</summary>
    public int MinQuality { get; init; } = 1;

    /// <summary>Work priority.</summary>
    public Priority Priority { get; init; } = Priority.Normal;

    /// <summary>What remains of the run's own cost budget.</summary>
    public decimal? RunRemainingCents { get; init; }

    /// <summary>The smallest head-room of any scope window in the chain.</summary>
    public decimal? ChainHeadroomCents { get; init; }

    /// <summary>The scope with that head-room.</summary>
    public string? HeadroomScope { get; init; }

    /// <summary>The tightest budget status of the chain.</summary>
    public BudgetStatus Status { get; init; } = BudgetStatus.Normal;

    /// <summary>The scope with that status.</summary>
    public string? StatusScope { get; init; }

    /// <summary><c>fallback: degrade</c> after nothing fitted: drop the quality floor and preference, free first.</summary>
    public bool Degrade { get; init; }

    /// <summary>Providers already tried and failed for this invocation.</summary>
    public IReadOnlyCollection<string> Excluded { get; init; } = [];

    /// <summary>
    /// How much of each subscription provider's <c>monthly_quota</c> is taken, by provider id: the uses this month as last
    /// heard from its quota grain (and the calls in flight when that grain just refused one). A provider not listed has no
    /// use this month that is known here.
    /// </summary>
    public IReadOnlyDictionary<string, QuotaUsage> QuotaUsage { get; init; } = new Dictionary<string, QuotaUsage>();
}
