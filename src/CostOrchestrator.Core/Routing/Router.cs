using System.Globalization;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;

namespace CostOrchestrator.Core.Routing;

/// <summary>
/// Picks the cheapest healthy provider that meets the bar: the quality floor, a subscription's monthly quota, the budget's
/// status overriding the choice as the budget degrades, and the four-tier order (local, subscription, API, premium). Pure and deterministic:
/// the same request always gives the same order and the same explanation.
/// </summary>
public static class Router
{
    /// <summary>Filters, applies the budget-status override and orders the candidates.</summary>
    public static RouteResult Route(RoutingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var notes = new List<string>();
        var status = request.Status;
        var prefer = request.Prefer;
        var minQuality = request.MinQuality;

        // High-priority work may exceed the degradation curve (priority high), never the hard limit.
        var statusApplies = request.Priority != Priority.High;
        if (!statusApplies && status != BudgetStatus.Normal)
        {
            notes.Add($"priority high: {Name(status)} override on {request.StatusScope} not applied");
        }

        if (request.Degrade)
        {
            notes.Add("fallback degrade: quality floor and preference dropped, free first");
            minQuality = 1;
            prefer = RoutePreference.Cheapest;
        }

        var effective = statusApplies ? status : BudgetStatus.Normal;
        if (effective == BudgetStatus.Warn && prefer != RoutePreference.Cheapest)
        {
            notes.Add($"warn on {request.StatusScope}: prefer cheapest instead of {Name(prefer)}");
            prefer = RoutePreference.Cheapest;
        }
        else if (effective == BudgetStatus.Constrained)
        {
            notes.Add($"constrained on {request.StatusScope}: free and local providers only");
        }
        else if (effective == BudgetStatus.Exhausted)
        {
            notes.Add($"exhausted on {request.StatusScope}: free only (tier 1, 2, then 4)");
        }

        var eligible = new List<(ProviderRecord Provider, decimal Cost)>();
        var dropped = new List<CandidateTrace>();
        var tokens = new InputTokenCounts(request.Inputs);
        foreach (var provider in request.Providers.Where(p => p.Capability == request.Capability))
        {
            var cost = CostEstimator.WorstCase(provider, request.Inputs, tokens).WorstCaseCents;
            var (reason, budgetLimited) = DropReason(provider, cost, request, minQuality, effective);
            if (reason is null)
            {
                eligible.Add((provider, cost));
            }
            else
            {
                dropped.Add(Trace(provider, cost, rank: null, reason) with { BudgetLimited = budgetLimited });
            }
        }

        var ordered = Order(eligible, prefer, effective).ToList();
        var candidates = ordered.Select((c, i) => Trace(c.Provider, c.Cost, i + 1, dropped: null))
            .Concat(dropped.OrderBy(d => d.ProviderId, StringComparer.Ordinal))
            .ToList();

        return new RouteResult
        {
            Ordered = ordered,
            Decision = new RoutingDecision
            {
                Capability = request.Capability,
                BudgetStatus = status,
                StatusScope = status == BudgetStatus.Normal ? null : request.StatusScope,
                Prefer = prefer,
                Candidates = candidates,
                Notes = notes,
            },
        };
    }

    /// <summary>The minimum quality a complexity asks for.</summary>
    public static int QualityFor(TaskComplexity? complexity, int? minQuality) =>
        minQuality ?? complexity switch
        {
            TaskComplexity.Complex => 3,
            TaskComplexity.Moderate => 2,
            _ => 1,
        };

    /// <summary>
    /// Tier order for ties and exhaustion. Normally 1 -> 4 -> 2 -> 3 (subscription capacity is free at the
    /// margin); exhausted 1 -> 2 -> 4 and tier 3 never.
    /// </summary>
    public static int TierRank(int tier, BudgetStatus status) => status == BudgetStatus.Exhausted
        ? tier switch { 1 => 0, 2 => 1, 4 => 2, _ => 9 }
        : tier switch { 1 => 0, 4 => 1, 2 => 2, _ => 3 };

    private static (string? Reason, bool BudgetLimited) DropReason(ProviderRecord p, decimal cost, RoutingRequest r, int minQuality, BudgetStatus status)
    {
        if (r.Excluded.Contains(p.ProviderId))
        {
            return ("failed earlier in this invocation", false);
        }

        if (p.Health == ProviderHealth.Down)
        {
            return (p.HealthReason is null ? "down" : $"down: {p.HealthReason}", false);
        }

        if (MonthlyQuota.Of(p) is { } quota && !MonthlyQuota.HasRoom(quota, r.QuotaUsage.GetValueOrDefault(p.ProviderId)))
        {
            return (QuotaReason(quota, r.QuotaUsage.GetValueOrDefault(p.ProviderId)), false);
        }

        if (p.Quality < minQuality)
        {
            return ($"quality {p.Quality} below required {minQuality}", false);
        }

        if (r.StepBudgetCents is { } stepBudget && cost > stepBudget)
        {
            return ($"worst case {Fmt(cost)}¢ above step budget_cents {Fmt(stepBudget)}¢", true);
        }

        if (r.RunRemainingCents is { } runRemaining && cost > runRemaining)
        {
            return ($"worst case {Fmt(cost)}¢ above the run's remaining budget {Fmt(runRemaining)}¢", true);
        }

        if (r.ChainHeadroomCents is { } headroom && cost > headroom)
        {
            return ($"worst case {Fmt(cost)}¢ above head-room of {r.HeadroomScope} ({Fmt(headroom)}¢)", true);
        }

        var zeroMarginal = CostEstimator.IsZeroMarginal(p);
        if (status == BudgetStatus.Constrained && !(p.IsFree || p.Local))
        {
            return ($"constrained budget on {r.StatusScope}: free and local providers only", true);
        }

        if (status == BudgetStatus.Exhausted && (!zeroMarginal || p.Tier == 3))
        {
            return ($"exhausted budget on {r.StatusScope}: free providers only", true);
        }

        return (null, false);
    }

    private static IEnumerable<(ProviderRecord Provider, decimal Cost)> Order(
        List<(ProviderRecord Provider, decimal Cost)> eligible, RoutePreference prefer, BudgetStatus status)
    {
        // Every ordering ends with the same tie-breakers so the result is deterministic.
        IOrderedEnumerable<(ProviderRecord Provider, decimal Cost)> sorted = prefer switch
        {
            RoutePreference.Fastest => eligible.OrderBy(c => c.Provider.LatencyEwmaMs).ThenBy(c => c.Cost),
            RoutePreference.LocalFirst => eligible.OrderByDescending(c => c.Provider.Local).ThenBy(c => c.Cost),
            RoutePreference.Quality => eligible.OrderByDescending(c => c.Provider.Quality).ThenBy(c => c.Cost),
            _ => status == BudgetStatus.Exhausted
                ? eligible.OrderBy(c => TierRank(c.Provider.Tier, status)).ThenBy(c => c.Cost)
                : eligible.OrderBy(c => c.Cost),
        };
        return sorted
            .ThenBy(c => TierRank(c.Provider.Tier, status))
            .ThenBy(c => c.Provider.Health == ProviderHealth.Healthy ? 0 : 1)
            .ThenByDescending(c => c.Provider.Quality)
            .ThenBy(c => c.Provider.ProviderId, StringComparer.Ordinal);
    }

    private static CandidateTrace Trace(ProviderRecord p, decimal cost, int? rank, string? dropped) => new()
    {
        ProviderId = p.ProviderId,
        Tier = p.Tier,
        Quality = p.Quality,
        EstimatedCents = cost,
        Rank = rank,
        Dropped = dropped,
    };

    private static string QuotaReason(int quota, QuotaUsage? usage)
    {
        var used = usage?.Used ?? 0;
        var inFlight = usage?.InFlight ?? 0;
        return inFlight == 0
            ? $"{MonthlyQuota.ReachedReason}: {used} of {quota} uses this month"
            : $"{MonthlyQuota.ReachedReason}: {used} of {quota} uses this month, {inFlight} more in flight";
    }

    private static string Fmt(decimal cents) => cents.ToString("0.######", CultureInfo.InvariantCulture);

    // The API's spelling (local-first, not localfirst): notes are read next to the request that used it.
    private static string Name<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonSerializer.Serialize(value, Abstractions.Serialization.CostOrchestratorJson.Options).Trim('"');
}
