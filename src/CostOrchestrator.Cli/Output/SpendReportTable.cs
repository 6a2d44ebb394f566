using System.Globalization;
using System.Text;
using CostOrchestrator.Abstractions.Reports;

namespace CostOrchestrator.Cli.Output;

/// <summary>The table <c>costorch report</c> prints: one line per bucket and key, then the range's totals.</summary>
internal static class SpendReportTable
{
    private const string Spent = "spent¢";
    private const string Saved = "saved¢";
    private const string Invocations = "invocations";
    private const string Estimated = "estimated¢";
    private const string Drift = "drift";
    private const string Succeeded = "succeeded";
    private const string Failed = "failed";
    private const string BudgetRejected = "budget rejected";
    private const string Cancelled = "cancelled";
    private const string PerSuccess = "per success¢";

    public static string Render(IReadOnlyList<SpendReportRow> rows, SpendGrouping grouping, SpendBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        if (rows.Count == 0)
        {
            text.AppendLine("no spend in the range");
            return text.ToString();
        }

        string[] header = grouping switch
        {
            SpendGrouping.Provider => ["bucket", "provider", Spent, Saved, Invocations, Estimated, Drift],
            SpendGrouping.Pipeline => ["bucket", "pipeline", Spent, Saved, Invocations, Succeeded, Failed, BudgetRejected, Cancelled, PerSuccess],
            SpendGrouping.Scope => ["bucket", "scope", Spent, Saved, Invocations],
            _ => ["bucket", "capability", Spent, Saved, Invocations],
        };
        var table = new TextTable(header).AlignRight(Spent, Saved, Invocations, Estimated, Drift, Succeeded, Failed, BudgetRejected, Cancelled, PerSuccess);
        foreach (var row in rows)
        {
            string[] common = [Bucket(row.BucketStart, bucket), row.Key, RunTable.Cents(row.SpentCents), RunTable.Cents(row.SavedCents), Count(row.Invocations)];
            table.Add(grouping switch
            {
                SpendGrouping.Provider => [.. common, RunTable.Cents(row.EstimatedCents ?? 0), Percent(row.DriftPercent)],
                SpendGrouping.Pipeline =>
                [
                    .. common, Count(row.RunsSucceeded ?? 0), Count(row.RunsFailed ?? 0), Count(row.RunsBudgetRejected ?? 0), Count(row.RunsCancelled ?? 0),
                    row.CostPerSuccessfulRunCents is { } perSuccess ? RunTable.Cents(perSuccess) : "-",
                ],
                _ => common,
            });
        }

        table.AppendTo(text);
        text.AppendLine(Totals(rows, grouping));
        return text.ToString();
    }

    // Over the whole range, so a pipeline's cost per successful run reads across buckets too.
    private static string Totals(IReadOnlyList<SpendReportRow> rows, SpendGrouping grouping)
    {
        if (grouping == SpendGrouping.Scope)
        {
            return "scope rows overlap: a charge counts under every scope of its chain, so they are not summed";
        }

        var spent = rows.Sum(r => r.SpentCents);
        var total = string.Create(CultureInfo.InvariantCulture,
            $"total spent {RunTable.Cents(spent)}¢, saved {RunTable.Cents(rows.Sum(r => r.SavedCents))}¢, {rows.Sum(r => r.Invocations)} invocation(s)");
        switch (grouping)
        {
            case SpendGrouping.Provider:
                var estimated = rows.Sum(r => r.EstimatedCents ?? 0);
                var drift = estimated == 0 ? (decimal?)null : Math.Round((spent - estimated) / estimated * 100, 2, MidpointRounding.AwayFromZero);
                return total + $"; estimated {RunTable.Cents(estimated)}¢, drift {Percent(drift)}";
            case SpendGrouping.Pipeline:
                var succeeded = rows.Sum(r => r.RunsSucceeded ?? 0);
                var perSuccess = succeeded == 0 ? "-" : RunTable.Cents(Math.Round(spent / succeeded, 6, MidpointRounding.AwayFromZero)) + "¢";
                return total + string.Create(CultureInfo.InvariantCulture,
                    $"; runs {succeeded} succeeded, {rows.Sum(r => r.RunsFailed ?? 0)} failed, {rows.Sum(r => r.RunsBudgetRejected ?? 0)} budget rejected, {rows.Sum(r => r.RunsCancelled ?? 0)} cancelled; per successful run {perSuccess}");
            default:
                return total;
        }
    }

    // A day bucket is a budget day; an hour is shown with the node's budget time-zone offset it starts in.
    private static string Bucket(DateTimeOffset start, SpendBucket bucket) =>
        start.ToString(bucket == SpendBucket.Day ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mmzzz", CultureInfo.InvariantCulture);

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(decimal? value) => value is { } percent ? percent.ToString("+0.##;-0.##;0", CultureInfo.InvariantCulture) + "%" : "-";
}
