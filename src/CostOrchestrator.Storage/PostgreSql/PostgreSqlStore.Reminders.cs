using CostOrchestrator.Runtime.Storage;
using Npgsql;

namespace CostOrchestrator.Storage.PostgreSql;

public sealed partial class PostgreSqlStore
{
    private const string ReminderColumns = "grain_type, grain_key, name, due_at, period";

    /// <inheritdoc />
    public async Task UpsertReminderAsync(ReminderEntry reminder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        await ExecuteAsync(
            "INSERT INTO reminders (grain_type, grain_key, name, due_at, period, claim_until, claimed_by) VALUES (@t, @k, @n, @d, @p, NULL, NULL) " +
            "ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period = excluded.period, claim_until = NULL, claimed_by = NULL",
            cancellationToken, Text("t", reminder.GrainType), Text("k", reminder.GrainKey), Text("n", reminder.Name), Time("d", reminder.DueAt),
            Interval("p", reminder.Period)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteReminderAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken) =>
        await ExecuteAsync("DELETE FROM reminders WHERE grain_type = @t AND grain_key = @k AND name = @n", cancellationToken,
            Text("t", grainType), Text("k", grainKey), Text("n", name)).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> GetRemindersAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {ReminderColumns} FROM reminders ORDER BY due_at, grain_type, grain_key, name", MapReminder, cancellationToken)
            .ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> ClaimDueRemindersAsync(DateTimeOffset now, DateTimeOffset claimUntil, string nodeId, int max, CancellationToken cancellationToken)
    {
        // One statement, so one transaction: lock the due, unclaimed rows no other node holds (SKIP LOCKED), then
        // claim them. A node whose snapshot predates another's claim re-checks the locked row's newest version and
        // drops it, so each due reminder goes to one node.
        var claimed = await QueryAsync(
            "WITH due AS (" +
            "  SELECT grain_type, grain_key, name FROM reminders" +
            "  WHERE due_at <= @now AND (claim_until IS NULL OR claim_until <= @now)" +
            "  ORDER BY due_at LIMIT @max FOR UPDATE SKIP LOCKED) " +
            "UPDATE reminders r SET claim_until = @until, claimed_by = @node FROM due " +
            "WHERE r.grain_type = due.grain_type AND r.grain_key = due.grain_key AND r.name = due.name " +
            "RETURNING r.grain_type, r.grain_key, r.name, r.due_at, r.period",
            MapReminder, cancellationToken, Time("now", now), Int("max", max), Time("until", claimUntil), Text("node", nodeId)).ConfigureAwait(false);
        return [.. claimed.OrderBy(r => r.DueAt).ThenBy(r => r.GrainType, StringComparer.Ordinal).ThenBy(r => r.GrainKey, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public Task CompleteReminderAsync(ReminderEntry delivered, DateTimeOffset? nextDueAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        return TransactionAsync(async (tx, ct) =>
        {
            NpgsqlParameter[] Key() => [Text("t", delivered.GrainType), Text("k", delivered.GrainKey), Text("n", delivered.Name)];
            const string Where = "WHERE grain_type = @t AND grain_key = @k AND name = @n";

            // Only while due_at is still the delivered one: a reminder re-registered during delivery keeps its new due time.
            var changed = nextDueAt is null
                ? await ExecuteAsync(tx, $"DELETE FROM reminders {Where} AND due_at = @d", ct, [.. Key(), Time("d", delivered.DueAt)]).ConfigureAwait(false)
                : await ExecuteAsync(tx, $"UPDATE reminders SET due_at = @next, claim_until = NULL, claimed_by = NULL {Where} AND due_at = @d", ct,
                    [.. Key(), Time("d", delivered.DueAt), Time("next", nextDueAt)]).ConfigureAwait(false);
            if (changed == 0)
            {
                await ExecuteAsync(tx, $"UPDATE reminders SET claim_until = NULL, claimed_by = NULL {Where}", ct, Key()).ConfigureAwait(false);
            }

            return (true, true);
        }, cancellationToken);
    }

    private static ReminderEntry MapReminder(NpgsqlDataReader r) => new()
    {
        GrainType = r.GetString(0),
        GrainKey = r.GetString(1),
        Name = r.GetString(2),
        DueAt = ReadTime(r, 3),
        Period = r.IsDBNull(4) ? null : r.GetFieldValue<TimeSpan>(4),
    };
}
