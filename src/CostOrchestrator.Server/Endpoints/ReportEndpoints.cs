using CostOrchestrator.Grains.Hosting;
using System.Globalization;
using System.Text;
using CostOrchestrator.Storage;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Reports;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>
/// <c>GET /v1/reports/spend</c>: the ledger summed per time bucket and per capability, provider or scope, as JSON
/// rows or CSV. A caller sees the entries whose chain names a scope it may read (the admin sees all).
/// </summary>
public static class ReportEndpoints
{
    /// <summary>At most this many ledger entries are summed per request; a larger range is marked truncated.</summary>
    public const int MaxEntries = 100_000;

    private static readonly string[] _groupings = ["capability", "provider", "scope"];
    private static readonly string[] _formats = ["json", "csv"];

    public static void MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/reports/spend", async (string? group_by, string? bucket, string? from, string? to, string? format,
            HttpContext context, ICostOrchestratorStore store, NodeOptions nodeOptions, TimeProvider time, CancellationToken ct) =>
        {
            var groupBy = group_by ?? "capability";
            if (!_groupings.Contains(groupBy, StringComparer.Ordinal))
            {
                return Problems.Invalid("group_by", "must be capability, provider or scope");
            }

            var bucketName = bucket ?? "hour";
            if (bucketName is not ("hour" or "day"))
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
            var start = end - (bucketName == "hour" ? TimeSpan.FromHours(24) : TimeSpan.FromDays(30));
            if (from is not null && !TryParseTime(from, out start))
            {
                return Problems.Invalid("from", "must be an ISO 8601 date-time (UTC unless it has an offset), e.g. 2026-11-21T00:00:00Z");
            }

            if (start >= end)
            {
                return Problems.Invalid("from", "must be before 'to'");
            }

            // Bounded so a typo cannot ask for a million empty buckets.
            var maxSpan = bucketName == "hour" ? TimeSpan.FromDays(31) : TimeSpan.FromDays(732);
            if (end - start > maxSpan)
            {
                return Problems.Invalid("from", bucketName == "hour" ? "an hourly report spans at most 31 days" : "a daily report spans at most 732 days");
            }

            var ledger = await store.GetLedgerAsync(new LedgerQuery { From = start, To = end, Limit = MaxEntries }, ct);
            var caller = context.Caller();
            var rows = SpendReport.Build(ledger, caller, groupBy, bucketName == "hour", nodeOptions.TimeZone);
            if (ledger.Count >= MaxEntries)
            {
                // The store returns the newest entries first, so what is missing is the oldest part of the range.
                context.Response.Headers["X-Report-Truncated"] = "true";
            }

            return output == "csv"
                ? Results.Text(SpendReport.ToCsv(rows), "text/csv; charset=utf-8", Encoding.UTF8)
                : Results.Ok(rows);
        }).RequireCaller();
    }

    private static bool TryParseTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
}
