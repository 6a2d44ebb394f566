using System.Globalization;
using System.Text;
using CostOrchestrator.Storage;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Reports;

/// <summary>Sums ledger entries into <see cref="SpendReportRow"/>s.</summary>
public static class SpendReport
{
    /// <summary>The key of entries recorded without a capability or provider (a bare reservation).</summary>
    public const string Unattributed = "unattributed";

    /// <summary>
    /// Rows ordered by bucket then key. Grouped by scope, an entry counts once under every scope of its chain the
    /// caller may read (so scope rows overlap, as budgets do); per-run scopes are left out, they are the runs table.
    /// </summary>
    public static IReadOnlyList<SpendReportRow> Build(IEnumerable<LedgerEntry> ledger, Caller caller, string groupBy, bool hourly, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(zone);
        var sums = new Dictionary<(DateTimeOffset Bucket, string Key), (decimal Spent, decimal Saved, int Count)>();
        foreach (var entry in ledger)
        {
            if (!caller.IsAdmin && !entry.Chain.Any(caller.CanRead))
            {
                continue;
            }

            var bucket = BucketStart(entry.CreatedAt, hourly, zone);
            IEnumerable<string> keys = groupBy switch
            {
                "provider" => [entry.Attribution.ProviderId ?? Unattributed],
                "scope" => entry.Chain.Where(s => !s.StartsWith("run:", StringComparison.Ordinal) && caller.CanRead(s)),
                _ => [entry.Attribution.Capability ?? Unattributed],
            };
            foreach (var key in keys)
            {
                sums.TryGetValue((bucket, key), out var sum);
                sums[(bucket, key)] = (sum.Spent + entry.ActualCents, sum.Saved + entry.SavedCents, sum.Count + 1);
            }
        }

        return sums
            .OrderBy(s => s.Key.Bucket).ThenBy(s => s.Key.Key, StringComparer.Ordinal)
            .Select(s => new SpendReportRow { BucketStart = s.Key.Bucket, Key = s.Key.Key, SpentCents = s.Value.Spent, SavedCents = s.Value.Saved, Invocations = s.Value.Count })
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

    /// <summary>CSV with a header line; cents in invariant culture, exactly as summed.</summary>
    public static string ToCsv(IEnumerable<SpendReportRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var csv = new StringBuilder("bucket_start,key,spent_cents,saved_cents,invocations\n");
        foreach (var row in rows)
        {
            csv.Append(row.BucketStart.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)).Append(',')
                .Append(Quote(row.Key)).Append(',')
                .Append(row.SpentCents.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.SavedCents.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.Invocations.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return csv.ToString();
    }

    // Keys are provider ids, capabilities and scopes, which may hold commas or quotes only if an operator put them there.
    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
