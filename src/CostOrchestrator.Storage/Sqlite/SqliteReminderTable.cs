using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace CostOrchestrator.Storage.Sqlite;

/// <summary>
/// Orleans reminders of the embedded silo, in the node's SQLite file (<c>orleans_reminders</c>). Same contract as
/// Orleans' ADO.NET reminder table: rows keyed by (service, grain, name), an ETag that changes on every upsert, and
/// a conditional delete; reads by grain or by a range of the hash ring (wrapping around zero when begin >= end).
/// </summary>
public sealed class SqliteReminderTable(SqliteStore store, IOptions<ClusterOptions> cluster) : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_at, period_ticks, version";
    private readonly string _serviceId = cluster.Value.ServiceId;

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM orleans_reminders WHERE service_id = $s AND grain_id = $g", cancellationToken, ("$g", grainId.ToString()));

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) =>
        QueryAsync(begin < end
                ? $"SELECT {Columns} FROM orleans_reminders WHERE service_id = $s AND grain_hash > $b AND grain_hash <= $e"
                : $"SELECT {Columns} FROM orleans_reminders WHERE service_id = $s AND (grain_hash > $b OR grain_hash <= $e)",
            cancellationToken, ("$b", (long)begin), ("$e", (long)end));

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM orleans_reminders WHERE service_id = $s AND grain_id = $g AND reminder_name = $n", cancellationToken,
            ("$g", grainId.ToString()), ("$n", reminderName)).ConfigureAwait(false)).Reminders.FirstOrDefault();

    /// <inheritdoc />
    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <inheritdoc />
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var versions = await store.LockedAsync(ct => store.QueryAsync(null, """
            INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_at, period_ticks, grain_hash, version)
            VALUES ($s, $g, $n, $start, $period, $hash, 0)
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
               SET start_at = excluded.start_at, period_ticks = excluded.period_ticks, grain_hash = excluded.grain_hash, version = version + 1
            RETURNING version
            """, r => r.GetInt64(0), ct, ("$s", _serviceId), ("$g", entry.GrainId.ToString()), ("$n", entry.ReminderName),
            ("$start", DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc).Ticks), ("$period", entry.Period.Ticks), ("$hash", (long)entry.GrainId.GetUniformHashCode())),
            cancellationToken).ConfigureAwait(false);
        return versions[0].ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <inheritdoc />
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        if (!long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        return await store.LockedAsync(ct => store.ExecuteAsync(null,
            "DELETE FROM orleans_reminders WHERE service_id = $s AND grain_id = $g AND reminder_name = $n AND version = $v", ct,
            ("$s", _serviceId), ("$g", grainId.ToString()), ("$n", reminderName), ("$v", version)), cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <inheritdoc />
    public Task TestOnlyClearTable(CancellationToken cancellationToken) =>
        store.LockedAsync(ct => store.ExecuteAsync(null, "DELETE FROM orleans_reminders WHERE service_id = $s", ct, ("$s", _serviceId)), cancellationToken);

    private async Task<ReminderTableData> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var rows = await store.LockedAsync(ct => store.QueryAsync(null, sql, Read, ct, [("$s", _serviceId), .. parameters]), cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(rows);
    }

    private static ReminderEntry Read(SqliteDataReader row) => new()
    {
        GrainId = GrainId.Parse(row.GetString(0)),
        ReminderName = row.GetString(1),
        StartAt = new DateTime(row.GetInt64(2), DateTimeKind.Utc),
        Period = TimeSpan.FromTicks(row.GetInt64(3)),
        ETag = row.GetInt64(4).ToString(CultureInfo.InvariantCulture),
    };
}
