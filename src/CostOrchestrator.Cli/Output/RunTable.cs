using System.Globalization;
using System.Text;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Cli.Output;

/// <summary>The per-step table and totals printed after a run.</summary>
internal static class RunTable
{
    public static string Render(RunRecord run)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"run {run.RunId}  pipeline {run.PipelineId}  status {Name(run.Status)}");
        var rows = new List<string[]> { new[] { "step", "provider", "estimated¢", "actual¢", "cache", "latency ms", "status" } };
        foreach (var step in run.Steps)
        {
            rows.Add(
            [
                step.Name,
                step.ProviderId ?? "-",
                Cents(step.EstimatedCents),
                Cents(step.ActualCents),
                step.Invocations.Count == 0 ? "-" : step.CacheHit ? "hit" : step.Invocations.Any(i => i.CacheHit) ? "partial" : "miss",
                step.LatencyMs.ToString("0.#", CultureInfo.InvariantCulture),
                Name(step.Status),
            ]);
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c is 2 or 3 or 5 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"total {Cents(run.TotalCostCents)}¢ (worst case reserved {Cents(run.EstimatedCostCents)}¢{(run.BudgetLimitCents is { } l ? $", run budget {Cents(l)}¢" : string.Empty)})");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"cache {run.CacheHits} hit(s), {run.CacheMisses} miss(es), saved {Cents(run.SavedByCacheCents)}¢; tokens {run.TokensUsed}; retries {run.RetriesUsed}");
        if (run.CostByProvider.Count > 0)
        {
            text.AppendLine("by provider: " + string.Join(", ", run.CostByProvider.Select(p => $"{p.Key} {Cents(p.Value)}¢")));
        }

        if (run.Error is { } error)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"error {error.Code}: {error.Message}");
        }

        if (run.QueuedReason is { } reason)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"queued: {reason}");
        }

        return text.ToString();
    }

    public static string Cents(decimal cents) => cents.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>An enum value as the API spells it (<c>budget_rejected</c>).</summary>
    public static string Name<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonSerializer.Serialize(value, Abstractions.Serialization.CostOrchestratorJson.Options).Trim('"');
}
