using System.Globalization;
using System.Text;
using CostOrchestrator.Cli.Simulation;

namespace CostOrchestrator.Cli.Output;

/// <summary>The policies of a simulation side by side, one column each; only numbers that a replay repeats exactly.</summary>
internal static class SimulationTable
{
    public static string Render(SimulationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{report.Workload}: {report.Days} day(s) from {report.Start} ({report.TimeZone}), seed {report.Seed}, {report.RunsSubmitted} run(s) submitted per policy");
        var policies = report.Policies;
        var rows = new List<string[]>
        {
            Row(string.Empty, p => p.Policy),
            Row("bill", p => Cents(p.BillCents)),
            Row("bill ($)", p => "$" + p.BillDollars.ToString("#,0.00", CultureInfo.InvariantCulture)),
            Row("completed", p => Count(p.Completed)),
            Row("  degraded by a budget", p => Count(p.Degraded)),
            Row("results below quality floor", p => Count(p.BelowQualityFloor)),
            Row("budget_rejected", p => Count(p.BudgetRejected)),
            Row("queued at end", p => Count(p.QueuedAtEnd)),
            Row("failed", p => Count(p.Failed)),
            Row("cache hits", p => Count(p.CacheHits)),
            Row("cache savings", p => Cents(p.SavedByCacheCents)),
            Row("budget refusals", p => Count(p.BudgetRefusals)),
            Row("cost per completed run", p => p.CostPerCompletedRunCents is { } c ? Cents(c) : "-"),
        };
        foreach (var capability in policies.SelectMany(p => p.SpendByCapability.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            rows.Add(Row("spend " + capability, p => Cents(p.SpendByCapability.GetValueOrDefault(capability))));
        }

        foreach (var refuser in policies.SelectMany(p => p.RefusedBy.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            rows.Add(Row("refused by " + refuser, p => Count(p.RefusedBy.GetValueOrDefault(refuser))));
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        }

        text.AppendLine("Read from the run records; the ledger charged the same bill, savings and cache hits.");
        return text.ToString();

        string[] Row(string label, Func<PolicyReport, string> cell) => [label, .. policies.Select(cell)];
    }

    // Two decimals: sub-cent prices (tokens, characters) add up to fractions no reader of a bill needs.
    private static string Cents(decimal cents) => cents.ToString("#,0.00", CultureInfo.InvariantCulture) + "¢";

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);
}
