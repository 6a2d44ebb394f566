using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Core.Pipelines;

/// <summary>
/// Derives every total of a run record from its invocations, so totals cannot drift from the per-step
/// detail (and a run rebuilt from its journal has the same totals as one that never stopped).
/// </summary>
public static class RunTotals
{
    /// <summary>The step with its aggregates recomputed from its invocations.</summary>
    public static StepRecord Summarize(StepRecord step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var invocations = step.Invocations;
        return step with
        {
            ProviderId = invocations.LastOrDefault(i => i.ProviderId is not null)?.ProviderId ?? step.ProviderId,
            EstimatedCents = invocations.Sum(i => i.EstimatedCents),
            ActualCents = invocations.Sum(i => i.ActualCents),
            SavedCents = invocations.Sum(i => i.SavedCents),
            LatencyMs = Math.Round(invocations.Sum(i => i.LatencyMs), 3),
            Attempts = invocations.Sum(i => i.Attempts),
            CacheHit = invocations.Count > 0 && invocations.All(i => i.CacheHit),
            Tokens = invocations.Any(i => i.Tokens is not null)
                ? new TokenCounts
                {
                    Input = invocations.Sum(i => i.Tokens?.Input ?? 0),
                    Output = invocations.Sum(i => i.Tokens?.Output ?? 0),
                    CachedInput = invocations.Sum(i => i.Tokens?.CachedInput ?? 0),
                }
                : null,
        };
    }

    /// <summary>The run with its totals and breakdowns recomputed from its steps.</summary>
    public static RunRecord Summarize(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var steps = run.Steps.Select(Summarize).ToList();
        var invocations = steps.SelectMany(s => s.Invocations.Select(i => (Step: s, Invocation: i))).ToList();
        return run with
        {
            Steps = steps,
            TotalCostCents = steps.Sum(s => s.ActualCents),
            EstimatedCostCents = steps.Sum(s => s.EstimatedCents),
            // The three breakdowns name everything that took part, a cache hit at 0 under the provider that produced
            // the cached result, so a cached run lists the same steps, capabilities and providers as a paid one.
            CostByStep = steps.Where(s => s.Invocations.Count > 0).ToDictionary(s => s.Name, s => s.ActualCents, StringComparer.Ordinal),
            CostByProvider = invocations.Where(x => x.Invocation.ProviderId is not null)
                .GroupBy(x => x.Invocation.ProviderId!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(x => x.Invocation.ActualCents), StringComparer.Ordinal),
            CostByCapability = invocations.GroupBy(x => x.Step.Capability, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(x => x.Invocation.ActualCents), StringComparer.Ordinal),
            CacheHits = invocations.Count(x => x.Invocation.CacheHit),
            CacheMisses = invocations.Count(x => !x.Invocation.CacheHit),
            SavedByCacheCents = invocations.Sum(x => x.Invocation.SavedCents),
            TokensUsed = invocations.Sum(x => (x.Invocation.Tokens?.Input ?? 0) + (x.Invocation.Tokens?.Output ?? 0)),
            InvocationsUsed = invocations.Count,
        };
    }
}
