using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Bench.Checks;

/// <summary>
/// The check every figure ends with: for each limited scope it used, the governor's spent (its budget, read from the
/// store's spend rows) equals the ledger's actual cost charged to that scope in the window, nothing is still reserved,
/// and spent stays within the limit; where the figure knows what it spent (granted calls × their cost), that too.
/// Results are collected; the bench exits non-zero if any failed.
/// </summary>
internal sealed class LedgerCheck(TextWriter log)
{
    // Every call of a figure has answered when the check runs, so reserved should already be 0; a grace period covers
    // writes the store acknowledges to another silo a moment later.
    private static readonly TimeSpan _settleGrace = TimeSpan.FromSeconds(10);

    private readonly List<LedgerCheckResult> _results = [];

    /// <summary>Every check so far, in order.</summary>
    public IReadOnlyList<LedgerCheckResult> Results => _results;

    /// <summary>True when every check passed.</summary>
    public bool AllPassed => _results.All(r => r.Passed);

    /// <summary>Checks <paramref name="scopes"/> on <paramref name="node"/>'s store; <paramref name="expectedSpent"/> per scope where known.</summary>
    public async Task<LedgerCheckResult> VerifyAsync(string figure, CostOrchestratorNode node, IReadOnlyCollection<string> scopes,
        IReadOnlyDictionary<string, decimal>? expectedSpent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(scopes);
        var budgets = await ReadSettledAsync(node, scopes, cancellationToken);
        var ledger = await node.Store.GetLedgerAsync(new LedgerQuery { Limit = int.MaxValue }, cancellationToken);
        var charged = new Dictionary<string, List<LedgerEntry>>(StringComparer.Ordinal);
        foreach (var entry in ledger)
        {
            foreach (var scope in entry.Chain)
            {
                if (!charged.TryGetValue(scope, out var entries))
                {
                    charged[scope] = entries = [];
                }

                entries.Add(entry);
            }
        }

        var failures = new List<string>();
        decimal spent = 0, ledgerTotal = 0, reserved = 0, highestUse = 0;
        foreach (var budget in budgets)
        {
            if (!budget.HasPolicy || budget.Windows.Count == 0)
            {
                failures.Add($"{budget.Scope}: has no limit, but the figure limited it");
                continue;
            }

            foreach (var window in budget.Windows)
            {
                var inWindow = charged.GetValueOrDefault(budget.Scope, [])
                    .Where(e => e.CreatedAt >= window.WindowStart && (window.ResetsAt is not { } end || e.CreatedAt < end))
                    .Sum(e => e.ActualCents);
                spent += window.SpentCents;
                ledgerTotal += inWindow;
                reserved += window.ReservedCents;
                if (window.LimitCents > 0)
                {
                    highestUse = Math.Max(highestUse, window.SpentCents / window.LimitCents);
                }

                var at = $"{budget.Scope} ({window.Window.ToString().ToLowerInvariant()})";
                if (window.SpentCents != inWindow)
                {
                    failures.Add($"{at}: the governor's spent {window.SpentCents}¢ is not the ledger's {inWindow}¢");
                }

                if (window.SpentCents > window.LimitCents + budget.OverdraftCents)
                {
                    failures.Add($"{at}: OVERSPENT, spent {window.SpentCents}¢ of a {window.LimitCents}¢ limit (overdraft {budget.OverdraftCents}¢)");
                }

                if (window.ReservedCents != 0)
                {
                    failures.Add($"{at}: {window.ReservedCents}¢ still reserved {_settleGrace.TotalSeconds:0} s after every call answered");
                }

                if (expectedSpent?.TryGetValue(budget.Scope, out var expected) == true && window.SpentCents != expected)
                {
                    failures.Add($"{at}: spent {window.SpentCents}¢, but the calls granted cost {expected}¢");
                }
            }
        }

        var result = new LedgerCheckResult
        {
            Figure = figure,
            Scopes = budgets.Count,
            LedgerEntries = ledger.Count,
            SpentCents = spent,
            LedgerCents = ledgerTotal,
            ReservedCents = reserved,
            HighestUse = highestUse,
            Failures = failures,
        };
        _results.Add(result);
        if (result.Passed)
        {
            log.WriteLine($"  check: {figure}: {result.Scopes} scopes, {result.LedgerEntries} ledger entries, spent = ledger = {spent}¢, nothing reserved, highest use {highestUse:P1}");
        }
        else
        {
            log.WriteLine($"  CHECK FAILED: {figure}:");
            foreach (var failure in failures.Take(20))
            {
                log.WriteLine($"    {failure}");
            }
        }

        return result;
    }

    private static async Task<IReadOnlyList<ScopeBudget>> ReadSettledAsync(CostOrchestratorNode node, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(_settleGrace.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            var budgets = new ScopeBudget[scopes.Count];
            await Parallel.ForEachAsync(scopes.Select((scope, i) => (scope, i)), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (s, ct) => budgets[s.i] = await node.Grains.GetGrain<IBudgetGovernorGrain>(s.scope).GetBudgetAsync(ct));
            if (budgets.All(b => b.Windows.All(w => w.ReservedCents == 0)) || TimeProvider.System.GetTimestamp() > deadline)
            {
                return budgets;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
