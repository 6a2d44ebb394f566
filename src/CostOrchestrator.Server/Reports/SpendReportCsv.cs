using System.Globalization;
using System.Text;
using CostOrchestrator.Abstractions.Reports;

namespace CostOrchestrator.Server.Reports;

/// <summary>
/// A spend report as CSV: a header line, then one line per row with the JSON's numbers exactly as summed (invariant
/// culture). Every grouping has the common columns; provider and pipeline reports add theirs after them.
/// </summary>
public static class SpendReportCsv
{
    private static readonly Column[] Common =
    [
        new("bucket_start", r => r.BucketStart.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)),
        new("key", r => Quote(r.Key)),
        new("spent_cents", r => Number(r.SpentCents)),
        new("saved_cents", r => Number(r.SavedCents)),
        new("invocations", r => Number(r.Invocations)),
    ];

    private static readonly Column[] Provider =
    [
        new("estimated_cents", r => Number(r.EstimatedCents)),
        new("drift_percent", r => Number(r.DriftPercent)),
    ];

    private static readonly Column[] Pipeline =
    [
        new("runs_succeeded", r => Number(r.RunsSucceeded)),
        new("runs_failed", r => Number(r.RunsFailed)),
        new("runs_budget_rejected", r => Number(r.RunsBudgetRejected)),
        new("runs_cancelled", r => Number(r.RunsCancelled)),
        new("cost_per_successful_run_cents", r => Number(r.CostPerSuccessfulRunCents)),
    ];

    /// <summary>The CSV of <paramref name="rows"/>, with the columns of <paramref name="grouping"/>.</summary>
    public static string Write(IEnumerable<SpendReportRow> rows, SpendGrouping grouping)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Column[] columns = grouping switch
        {
            SpendGrouping.Provider => [.. Common, .. Provider],
            SpendGrouping.Pipeline => [.. Common, .. Pipeline],
            _ => Common,
        };
        var csv = new StringBuilder().AppendJoin(',', columns.Select(c => c.Name)).Append('\n');
        foreach (var row in rows)
        {
            csv.AppendJoin(',', columns.Select(c => c.Value(row))).Append('\n');
        }

        return csv.ToString();
    }

    // A value that does not apply (no estimate, no success to divide by) is an empty cell, as it is absent from the JSON.
    private static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;

    // Keys are provider ids, capabilities, scopes and pipeline ids, which may hold commas or quotes only if an operator put them there.
    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private sealed record Column(string Name, Func<SpendReportRow, string> Value);
}
