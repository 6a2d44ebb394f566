using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Grains.Diagnostics;

/// <summary>
/// What this silo's budget governors hold in memory, for the budget gauges (spent, reserved, limit and status per scope
/// and window). Each governor publishes its scope's current windows after every change and withdraws them when it
/// deactivates, so the gauges read the authority's numbers without a store query or a grain call per scrape.
/// </summary>
/// <remarks>
/// A scope is reported by the one silo that holds its governor: summed over a cluster's nodes, each scope counts once.
/// Only scopes with a policy have windows. A scope whose governor is not active (Orleans collected it after it sat idle)
/// is not reported until its next reservation; <c>GET /v1/budgets</c> lists every scope. The number of series is the
/// number of policies, which only an admin sets.
/// </remarks>
public sealed class BudgetGauges
{
    private readonly ConcurrentDictionary<string, ScopeWindows> _scopes = new(StringComparer.Ordinal);

    /// <summary>
    /// Publishes the windows of <paramref name="account"/>'s scope current at <paramref name="now"/>, replacing what was
    /// published for the scope. Called on the governor's turn, the only place its account is read. Returns what it
    /// published (null for a scope without a policy), for <see cref="Withdraw"/>.
    /// </summary>
    public ScopeWindows? Publish(ScopeAccount account, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.Policy is not { } policy)
        {
            _scopes.TryRemove(account.Scope, out _);
            return null;
        }

        var windows = new WindowTotals[policy.Windows.Count];
        for (var i = 0; i < windows.Length; i++)
        {
            var limit = policy.Windows[i];
            var (charged, reserved) = account.TotalsOf(limit.Window, BudgetWindows.StartOf(limit.Window, now, zone));
            windows[i] = new WindowTotals(limit.Window, limit.LimitCents, charged, reserved);
        }

        var published = new ScopeWindows(account.Scope, policy.Thresholds, windows);
        _scopes[account.Scope] = published;
        return published;
    }

    /// <summary>
    /// Withdraws what a governor published, unless a newer activation of the same scope has published since (the old
    /// one's deactivation must not remove its successor's numbers).
    /// </summary>
    public void Withdraw(ScopeWindows? published)
    {
        if (published is not null)
        {
            _scopes.TryRemove(KeyValuePair.Create(published.Scope, published));
        }
    }

    internal IEnumerable<Measurement<double>> Spent() => Each(static w => (double)w.SpentCents);

    internal IEnumerable<Measurement<double>> Reserved() => Each(static w => (double)w.ReservedCents);

    internal IEnumerable<Measurement<double>> Limits() => Each(static w => (double)w.LimitCents);

    internal IEnumerable<Measurement<int>> Statuses()
    {
        foreach (var scope in _scopes.Values)
        {
            foreach (var window in scope.Windows)
            {
                var status = BudgetMath.StatusOf(BudgetMath.PctConsumed(window.SpentCents, window.ReservedCents, window.LimitCents), scope.Thresholds);
                yield return new Measurement<int>((int)status, Tags(scope, window));
            }
        }
    }

    private IEnumerable<Measurement<double>> Each(Func<WindowTotals, double> value)
    {
        foreach (var scope in _scopes.Values)
        {
            foreach (var window in scope.Windows)
            {
                yield return new Measurement<double>(value(window), Tags(scope, window));
            }
        }
    }

    private static TagList Tags(ScopeWindows scope, WindowTotals window) => new()
    {
        { TelemetryAttributes.Scope, scope.Scope },
        { TelemetryAttributes.BudgetWindow, ApiNames<WindowKind>.Of(window.Window) },
    };
}

/// <summary>
/// One scope's current windows, as one governor activation published them. A class, not a record: withdrawing compares
/// by reference, so an activation only ever withdraws its own publication.
/// </summary>
public sealed class ScopeWindows(string scope, BudgetThresholds thresholds, IReadOnlyList<WindowTotals> windows)
{
    /// <summary>The scope.</summary>
    public string Scope { get; } = scope;

    /// <summary>The policy's status thresholds.</summary>
    public BudgetThresholds Thresholds { get; } = thresholds;

    /// <summary>Each window of the policy.</summary>
    public IReadOnlyList<WindowTotals> Windows { get; } = windows;
}

/// <summary>One window's limit and totals.</summary>
/// <param name="Window">The window.</param>
/// <param name="LimitCents">Its limit.</param>
/// <param name="SpentCents">Charged in it.</param>
/// <param name="ReservedCents">Held in it by pending reservations.</param>
public readonly record struct WindowTotals(WindowKind Window, decimal LimitCents, decimal SpentCents, decimal ReservedCents);
