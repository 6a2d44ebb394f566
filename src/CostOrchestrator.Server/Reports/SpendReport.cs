using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Reports;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Storage;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Reports;

/// <summary>Sums ledger entries (and, per pipeline, runs) into <see cref="SpendReportRow"/>s.</summary>
public static class SpendReport
{
    /// <summary>The key of entries recorded without a capability, provider or pipeline (a bare reservation, a direct invocation).</summary>
    public const string Unattributed = "unattributed";

    /// <summary>
    /// Rows ordered by bucket then key. Every entry the caller may read counts once, in the bucket it was charged in, so
    /// a grouping's rows add up to the ledger — except by scope: an entry counts once under every scope of its chain the
    /// caller may read (so scope rows overlap, as budgets do); per-run scopes are left out, they are the runs table.
    /// By pipeline, each run the caller may see also counts, by outcome, in the bucket it was created in.
    /// </summary>
    public static IReadOnlyList<SpendReportRow> Build(
        IEnumerable<LedgerEntry> ledger, IEnumerable<RunRecord> runs, Caller caller, SpendGrouping grouping, SpendBucket bucket, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(zone);
        var hourly = bucket == SpendBucket.Hour;
        var totals = new Dictionary<(DateTimeOffset Bucket, string Key), Totals>();
        Totals At(DateTimeOffset at, string key)
        {
            var slot = (BucketStart(at, hourly, zone), key);
            if (!totals.TryGetValue(slot, out var sum))
            {
                totals[slot] = sum = new Totals();
            }

            return sum;
        }

        foreach (var entry in ledger)
        {
            if (!caller.IsAdmin && !entry.Chain.Any(caller.CanRead))
            {
                continue;
            }

            IEnumerable<string> keys = grouping switch
            {
                SpendGrouping.Provider => [entry.Attribution.ProviderId ?? Unattributed],
                SpendGrouping.Scope => entry.Chain.Where(s => !s.StartsWith("run:", StringComparison.Ordinal) && caller.CanRead(s)),
                SpendGrouping.Pipeline => [entry.Attribution.PipelineId ?? Unattributed],
                _ => [entry.Attribution.Capability ?? Unattributed],
            };
            foreach (var key in keys)
            {
                At(entry.CreatedAt, key).Add(entry);
            }
        }

        if (grouping == SpendGrouping.Pipeline)
        {
            foreach (var run in runs.Where(r => caller.IsAdmin || r.Scopes.Any(caller.CanRead)))
            {
                At(run.CreatedAt, run.PipelineId).Count(run.Status);
            }
        }

        return totals
            .OrderBy(t => t.Key.Bucket).ThenBy(t => t.Key.Key, StringComparer.Ordinal)
            .Select(t => t.Value.ToRow(t.Key.Bucket, t.Key.Key, grouping))
            .ToList();
    }

    /// <summary>The start of the hour or day holding <paramref name="at"/>, in the budget time zone (so a day here is a budget day).</summary>
    public static DateTimeOffset BucketStart(DateTimeOffset at, bool hourly, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var floor = new DateTime(local.Year, local.Month, local.Day, hourly ? local.Hour : 0, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(floor, zone.GetUtcOffset(floor));
    }

    /// <summary>One bucket of one key while it is summed.</summary>
    private sealed class Totals
    {
        private decimal _spent;
        private decimal _saved;
        private decimal _estimated;
        private int _invocations;
        private int _succeeded;
        private int _failed;
        private int _budgetRejected;
        private int _cancelled;

        public void Add(LedgerEntry entry)
        {
            _spent += entry.ActualCents;
            _saved += entry.SavedCents;
            _estimated += entry.EstimatedCents;
            _invocations++;
        }

        // Runs not finished yet count under no outcome: their spend so far is in the row, their outcome in a later report.
        public void Count(RunStatus status)
        {
            switch (status)
            {
                case RunStatus.Succeeded: _succeeded++; break;
                case RunStatus.Failed: _failed++; break;
                case RunStatus.BudgetRejected: _budgetRejected++; break;
                case RunStatus.Cancelled: _cancelled++; break;
                default: break;
            }
        }

        public SpendReportRow ToRow(DateTimeOffset bucket, string key, SpendGrouping grouping)
        {
            var row = new SpendReportRow { BucketStart = bucket, Key = key, SpentCents = _spent, SavedCents = _saved, Invocations = _invocations };
            return grouping switch
            {
                SpendGrouping.Provider => row with
                {
                    EstimatedCents = _estimated,
                    DriftPercent = _estimated == 0 ? null : Math.Round((_spent - _estimated) / _estimated * 100, 2, MidpointRounding.AwayFromZero),
                },
                SpendGrouping.Pipeline => row with
                {
                    RunsSucceeded = _succeeded,
                    RunsFailed = _failed,
                    RunsBudgetRejected = _budgetRejected,
                    RunsCancelled = _cancelled,
                    CostPerSuccessfulRunCents = _succeeded == 0 ? null : Cents.Round(_spent / _succeeded),
                },
                _ => row,
            };
        }
    }
}
