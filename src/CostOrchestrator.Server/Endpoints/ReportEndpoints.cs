using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Grains.Hosting;
using System.Globalization;
using System.Text;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Reports;
using CostOrchestrator.Storage;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Reports;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>
/// <c>GET /v1/reports/spend</c>: the ledger summed per time bucket and per capability, provider (with estimated vs
/// actual), scope or pipeline (with runs by outcome and the cost per successful run), as JSON rows or CSV. A caller
/// sees the entries whose chain names a scope it may read, and the runs it may see (the admin sees all).
/// </summary>
public static class ReportEndpoints
{
    /// <summary>At most this many ledger entries are summed per request; a larger range is marked truncated.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>
    /// At most this many runs are counted per pipeline report; a larger range is marked truncated. Lower than
    /// <see cref="MaxEntries"/> because the store hands back whole run records, steps and all.
    /// </summary>
    public const int MaxRuns = 20_000;

    /// <summary>The response header set to <c>true</c> when a limit cut the oldest part of the range.</summary>
    public const string TruncatedHeader = "X-Report-Truncated";

    private static readonly Dictionary<string, SpendGrouping> _groupings = new(StringComparer.Ordinal)
    {
        ["capability"] = SpendGrouping.Capability,
        ["provider"] = SpendGrouping.Provider,
        ["scope"] = SpendGrouping.Scope,
        ["pipeline"] = SpendGrouping.Pipeline,
    };

    private static readonly Dictionary<string, SpendBucket> _buckets = new(StringComparer.Ordinal)
    {
        ["hour"] = SpendBucket.Hour,
        ["day"] = SpendBucket.Day,
    };

    private static readonly string[] _formats = ["json", "csv"];

    public static void MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/reports/spend", async (string? group_by, string? bucket, string? from, string? to, string? format,
            HttpContext context, ICostOrchestratorStore store, NodeOptions nodeOptions, TimeProvider time, BudgetSlices slices, CancellationToken ct) =>
        {
            // Read-your-writes on this node: calls it decided in its budget slices are in the ledger before the report.
            await slices.FlushAsync(ct);
            if (!_groupings.TryGetValue(group_by ?? "capability", out var grouping))
            {
                return Problems.Invalid("group_by", "must be capability, provider, scope or pipeline");
            }

            if (!_buckets.TryGetValue(bucket ?? "hour", out var buckets))
            {
                return Problems.Invalid("bucket", "must be hour or day");
            }

            var output = format ?? "json";
            if (!_formats.Contains(output, StringComparer.Ordinal))
            {
                return Problems.Invalid("format", "must be json or csv");
            }

            var end = time.GetUtcNow();
            if (to is not null && !TryParseTime(to, out end))
            {
                return Problems.Invalid("to", "must be an ISO 8601 date-time (UTC unless it has an offset), e.g. 2026-11-22T00:00:00Z");
            }

            // A day of hours or a month of days unless told otherwise: what the chart shows first.
            var start = end - (buckets == SpendBucket.Hour ? TimeSpan.FromHours(24) : TimeSpan.FromDays(30));
            if (from is not null && !TryParseTime(from, out start))
            {
                return Problems.Invalid("from", "must be an ISO 8601 date-time (UTC unless it has an offset), e.g. 2026-11-21T00:00:00Z");
            }

            if (start >= end)
            {
                return Problems.Invalid("from", "must be before 'to'");
            }

            // Bounded so a typo cannot ask for a million empty buckets.
            var maxSpan = buckets == SpendBucket.Hour ? TimeSpan.FromDays(31) : TimeSpan.FromDays(732);
            if (end - start > maxSpan)
            {
                return Problems.Invalid("from", buckets == SpendBucket.Hour ? "an hourly report spans at most 31 days" : "a daily report spans at most 732 days");
            }

            var ledger = await store.GetLedgerAsync(new LedgerQuery { From = start, To = end, Limit = MaxEntries }, ct);
            IReadOnlyList<RunRecord> runs = grouping == SpendGrouping.Pipeline
                ? await store.ListRunsAsync(new RunQuery { CreatedFrom = start, CreatedTo = end, Limit = MaxRuns }, ct)
                : [];
            var rows = SpendReport.Build(ledger, runs, context.Caller(), grouping, buckets, nodeOptions.TimeZone);
            if (ledger.Count >= MaxEntries || runs.Count >= MaxRuns)
            {
                // The store returns the newest entries and runs first, so what is missing is the oldest part of the range.
                context.Response.Headers[TruncatedHeader] = "true";
            }

            return output == "csv"
                ? Results.Text(SpendReportCsv.Write(rows, grouping), "text/csv; charset=utf-8", Encoding.UTF8)
                : Results.Ok(rows);
        }).RequireCaller()
            .Answers<IReadOnlyList<SpendReportRow>>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest)
            // Declared again with both media types: a second declaration of 200 replaces the first, and the CSV's columns are the rows' fields.
            .Produces<IReadOnlyList<SpendReportRow>>(StatusCodes.Status200OK, "application/json", "text/csv");
    }

    private static bool TryParseTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
}
