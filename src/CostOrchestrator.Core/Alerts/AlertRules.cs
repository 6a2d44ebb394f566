using System.Globalization;
using CostOrchestrator.Abstractions.Alerts;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Core.Alerts;

/// <summary>
/// Which alert conditions hold in a snapshot. Pure: the alert monitor reads the snapshot, asks, and fires what is
/// new and resolves what is gone. Budget alerts live in their budget window; the others in the node's calendar day.
/// </summary>
public static class AlertRules
{
    /// <summary>Budget windows that carry a rate to project (a lifetime window has none).</summary>
    private static bool HasEnd(WindowState window) => window.ResetsAt is not null;

    /// <summary>The window key of a budget window: <c>day:2026-03-10T00:00:00.0000000+00:00</c>.</summary>
    public static string WindowKey(WindowKind window, DateTimeOffset start) =>
        $"{window.ToString().ToLowerInvariant()}:{start.ToString("O", CultureInfo.InvariantCulture)}";

    /// <summary>The key of a scope window's spend breakdown in <see cref="AlertSnapshot.Breakdowns"/>.</summary>
    public static string BreakdownKey(string scope, string window) => $"{scope}|{window}";

    /// <summary>An alert's identity.</summary>
    public static string Key(string kind, string subject, string window) => $"{kind}|{subject}|{window}";

    /// <summary>Every condition that holds in <paramref name="snapshot"/>.</summary>
    public static IReadOnlyList<AlertCondition> Evaluate(AlertSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var conditions = new List<AlertCondition>();
        conditions.AddRange(snapshot.Budgets.SelectMany(b => BudgetConditions(b, snapshot)));
        conditions.AddRange(RunConditions(snapshot));
        conditions.AddRange(ProviderConditions(snapshot));
        return conditions;
    }

    private static IEnumerable<AlertCondition> BudgetConditions(ScopeBudget budget, AlertSnapshot snapshot)
    {
        foreach (var window in budget.Windows)
        {
            var key = WindowKey(window.Window, window.WindowStart);
            var name = window.Window.ToString().ToLowerInvariant();
            var numbers = new Dictionary<string, object?>
            {
                ["scope"] = budget.Scope,
                ["window"] = name,
                ["spent_cents"] = window.SpentCents,
                ["reserved_cents"] = window.ReservedCents,
                ["limit_cents"] = window.LimitCents,
                ["pct_consumed"] = window.PctConsumed,
            };
            var used = $"{Cents(window.SpentCents + window.ReservedCents)}¢ of {Cents(window.LimitCents)}¢ ({window.PctConsumed:P1})";
            if (window.Status >= BudgetStatus.Warn)
            {
                yield return new AlertCondition(AlertKinds.BudgetWarn, budget.Scope, key,
                    $"{budget.Scope} ({name}) passed its warn threshold {budget.Thresholds.Warn:P0}: {used}; routing prefers the cheapest provider", numbers);
            }

            if (window.Status >= BudgetStatus.Constrained)
            {
                yield return new AlertCondition(AlertKinds.BudgetConstrained, budget.Scope, key,
                    $"{budget.Scope} ({name}) is constrained past {budget.Thresholds.Constrained:P0}: {used}; only free and local providers are routed", numbers);
            }

            if (window.Status >= BudgetStatus.Exhausted)
            {
                var breakdown = snapshot.Breakdowns.GetValueOrDefault(BreakdownKey(budget.Scope, key));
                var topCapabilities = Top(breakdown?.ByCapability);
                var topProviders = Top(breakdown?.ByProvider);
                var details = new Dictionary<string, object?>(numbers) { ["top_capabilities"] = topCapabilities, ["top_providers"] = topProviders };
                yield return new AlertCondition(AlertKinds.BudgetExhausted, budget.Scope, key,
                    $"{budget.Scope} ({name}) is exhausted: {used}; mostly {Named(topCapabilities)} via {Named(topProviders)}", details);
            }

            if (HasEnd(window) && window.ProjectedCents > window.LimitCents && window.LimitCents > 0m && !snapshot.Settings.ForecastOffScopes.Contains(budget.Scope))
            {
                var details = new Dictionary<string, object?>(numbers)
                {
                    ["burn_rate_cents_per_hour"] = window.BurnRateCentsPerHour,
                    ["projected_cents"] = window.ProjectedCents,
                    ["exhausts_at"] = window.ExhaustsAt,
                };
                var when = window.ExhaustsAt is { } at ? $", exhausted at {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}Z" : string.Empty;
                yield return new AlertCondition(AlertKinds.BudgetForecastExceeded, budget.Scope, key,
                    $"{budget.Scope} ({name}) is burning {Cents(window.BurnRateCentsPerHour)}¢/h: projected {Cents(window.ProjectedCents)}¢ against a limit of {Cents(window.LimitCents)}¢{when}", details);
            }
        }
    }

    private static IEnumerable<AlertCondition> RunConditions(AlertSnapshot snapshot)
    {
        foreach (var pipeline in snapshot.Runs.GroupBy(r => r.PipelineId, StringComparer.Ordinal))
        {
            var thresholds = snapshot.Settings.For(pipeline.Key);
            var runs = pipeline.OrderBy(r => r.CompletedAt).ToList();
            var subject = "pipeline:" + pipeline.Key;
            var latest = runs[^1];
            var earlier = runs.Take(runs.Count - 1).TakeLast(thresholds.RecentRuns).ToList();
            if (earlier.Count >= thresholds.MinRuns)
            {
                var average = earlier.Average(r => r.TotalCostCents);
                if (average > 0m && latest.TotalCostCents > thresholds.AnomalyFactor * average)
                {
                    yield return new AlertCondition(AlertKinds.RunCostAnomaly, subject, snapshot.Day,
                        $"run {latest.RunId} of {pipeline.Key} cost {Cents(latest.TotalCostCents)}¢, {latest.TotalCostCents / average:0.#}x its rolling average of {Cents(Math.Round(average, 6))}¢ over {earlier.Count} runs",
                        new Dictionary<string, object?> { ["run_id"] = latest.RunId, ["cost_cents"] = latest.TotalCostCents, ["average_cents"] = Math.Round(average, 6), ["runs"] = earlier.Count, ["factor"] = thresholds.AnomalyFactor });
                }
            }

            var recent = runs.TakeLast(thresholds.RecentRuns).ToList();
            var hits = recent.Sum(r => r.CacheHits);
            var lookups = hits + recent.Sum(r => r.CacheMisses);
            if (recent.Count >= thresholds.MinRuns && lookups > 0 && (decimal)hits / lookups < thresholds.CacheHitRatioMin)
            {
                var ratio = Math.Round((decimal)hits / lookups, 4);
                yield return new AlertCondition(AlertKinds.CacheHitRatioLow, subject, snapshot.Day,
                    $"{pipeline.Key} recurs ({recent.Count} recent runs) but its cache served {ratio:P0} of lookups (floor {thresholds.CacheHitRatioMin:P0}): are its inputs stable?",
                    new Dictionary<string, object?> { ["hit_ratio"] = ratio, ["hits"] = hits, ["lookups"] = lookups, ["runs"] = recent.Count, ["floor"] = thresholds.CacheHitRatioMin });
            }
        }
    }

    private static IEnumerable<AlertCondition> ProviderConditions(AlertSnapshot snapshot)
    {
        // What each provider billed today next to what its registry price says, over the invocations it billed itself.
        var billed = snapshot.Runs.Where(r => r.CompletedAt >= snapshot.DayStart).SelectMany(r => r.Steps).SelectMany(s => s.Invocations)
            .Where(i => i is { ListCents: not null, ProviderId: not null, Unreconciled: false })
            .GroupBy(i => i.ProviderId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Actual: g.Sum(i => i.ActualCents), List: g.Sum(i => i.ListCents!.Value), Calls: g.Count()), StringComparer.Ordinal);
        foreach (var provider in snapshot.Providers)
        {
            var subject = "provider:" + provider.ProviderId;
            if (provider.Health == ProviderHealth.Down)
            {
                yield return new AlertCondition(AlertKinds.ProviderDown, subject, snapshot.Day,
                    $"{provider.ProviderId} ({provider.Capability}) is down{(provider.HealthReason is { } reason ? ": " + reason : string.Empty)}; it is not routed until healthy",
                    new Dictionary<string, object?> { ["provider_id"] = provider.ProviderId, ["capability"] = provider.Capability, ["reason"] = provider.HealthReason });
            }

            var age = snapshot.Now - provider.PriceUpdatedAt;
            if (!provider.IsFree && age > TimeSpan.FromDays(snapshot.Settings.PriceStaleDays))
            {
                yield return new AlertCondition(AlertKinds.PriceStale, subject, snapshot.Day,
                    $"{provider.ProviderId}'s price was last updated {age.TotalDays:0} days ago (limit {snapshot.Settings.PriceStaleDays}); estimates may be wrong",
                    new Dictionary<string, object?> { ["provider_id"] = provider.ProviderId, ["price_updated_at"] = provider.PriceUpdatedAt, ["age_days"] = Math.Floor(age.TotalDays) });
            }

            if (billed.TryGetValue(provider.ProviderId, out var sums) && sums.List > 0m)
            {
                var drift = (sums.Actual - sums.List) / sums.List;
                if (Math.Abs(drift) > snapshot.Settings.PriceDriftTolerance)
                {
                    yield return new AlertCondition(AlertKinds.ProviderPriceDrift, subject, snapshot.Day,
                        $"{provider.ProviderId} billed {Cents(sums.Actual)}¢ for {sums.Calls} call(s) its registry price puts at {Cents(sums.List)}¢ ({drift:+0.#%;-0.#%}, tolerance {snapshot.Settings.PriceDriftTolerance:P0}): update its price",
                        new Dictionary<string, object?>
                        {
                            ["provider_id"] = provider.ProviderId,
                            ["billed_cents"] = sums.Actual,
                            ["list_cents"] = sums.List,
                            ["observed_price_factor"] = Math.Round(sums.Actual / sums.List, 4),
                            ["calls"] = sums.Calls,
                        });
                }
            }
        }
    }

    // The three biggest, biggest first (a JSON object keeps that order).
    private static Dictionary<string, decimal> Top(IReadOnlyDictionary<string, decimal>? spend) =>
        spend is null ? [] : spend.Where(p => p.Value > 0m).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(3)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static string Named(Dictionary<string, decimal> top) =>
        top.Count == 0 ? "nothing recorded" : string.Join(", ", top.Select(p => $"{p.Key} {Cents(p.Value)}¢"));

    private static string Cents(decimal cents) => cents.ToString("0.######", CultureInfo.InvariantCulture);
}
