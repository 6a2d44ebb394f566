using CostOrchestrator.Abstractions.Alerts;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Alerts;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Grains.Registry;
using CostOrchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CostOrchestrator.Grains.Alerts;

/// <summary>Reads what the alert rules look at: every budget, the recent runs, the registry, and where exhausted windows' money went.</summary>
public sealed class AlertSnapshotReader(ICostOrchestratorStore store, BudgetBook book, RegistryCopy registry, [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options)
{
    /// <summary>How many of the latest runs are read: enough for every pipeline's rolling window in a busy day.</summary>
    public const int RecentRunsRead = 1_000;

    /// <summary>A snapshot now.</summary>
    public async Task<AlertSnapshot> ReadAsync(AlertSettings settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var policies = await store.GetPoliciesAsync(cancellationToken).ConfigureAwait(false);
        var budgets = await book.GetAsync(policies.Select(p => p.Scope).ToList(), cancellationToken).ConfigureAwait(false);
        var breakdowns = new Dictionary<string, SpendBreakdown>(StringComparer.Ordinal);
        foreach (var (scope, window) in budgets.SelectMany(b => b.Windows.Where(w => w.Status == BudgetStatus.Exhausted).Select(w => (b.Scope, w))))
        {
            var entries = await store.GetLedgerAsync(new LedgerQuery { Scope = scope, From = window.WindowStart }, cancellationToken).ConfigureAwait(false);
            breakdowns[AlertRules.BreakdownKey(scope, AlertRules.WindowKey(window.Window, window.WindowStart))] = new SpendBreakdown(
                Sum(entries, e => e.Attribution.Capability), Sum(entries, e => e.Attribution.ProviderId));
        }

        var runs = await store.ListRunsAsync(new RunQuery { Limit = RecentRunsRead }, cancellationToken).ConfigureAwait(false);
        return new AlertSnapshot
        {
            Now = now,
            DayStart = BudgetWindows.StartOf(WindowKind.Day, now, options.TimeZone),
            Budgets = budgets,
            Breakdowns = breakdowns,
            Runs = runs.Where(r => r.CompletedAt is not null && r.Status is not (RunStatus.Pending or RunStatus.Running or RunStatus.Queued)).OrderBy(r => r.CompletedAt).ToList(),
            Providers = await registry.GetProvidersAsync(null, cancellationToken).ConfigureAwait(false),
            Settings = settings,
        };
    }

    private static Dictionary<string, decimal> Sum(IReadOnlyList<LedgerEntry> entries, Func<LedgerEntry, string?> by) =>
        entries.GroupBy(e => by(e) ?? "unattributed", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(e => e.ActualCents), StringComparer.Ordinal);
}
