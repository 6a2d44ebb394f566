using CostOrchestrator.Runtime.Storage;
using CostOrchestrator.Storage.Common;
using Microsoft.Data.Sqlite;

namespace CostOrchestrator.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task UpsertReminderAsync(ReminderEntry reminder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        return LockedAsync(async ct => await ExecuteAsync(null,
            "INSERT INTO reminders (grain_type, grain_key, name, due_at, period_us, claim_until, claimed_by) VALUES ($t, $k, $n, $d, $p, NULL, NULL) " +
            "ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_us = excluded.period_us, claim_until = NULL, claimed_by = NULL", ct,
            ("$t", reminder.GrainType), ("$k", reminder.GrainKey), ("$n", reminder.Name), ("$d", StoreTime.ToMicros(reminder.DueAt)),
            ("$p", reminder.Period is { } p ? p.Ticks / 10 : null)).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteReminderAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken) =>
        LockedAsync(async ct => await ExecuteAsync(null, "DELETE FROM reminders WHERE grain_type = $t AND grain_key = $k AND name = $n", ct,
            ("$t", grainType), ("$k", grainKey), ("$n", name)).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> GetRemindersAsync(CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<ReminderEntry>>(async ct => await QueryAsync(null,
            "SELECT grain_type, grain_key, name, due_at, period_us FROM reminders ORDER BY due_at, grain_type, grain_key, name", MapReminder, ct).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> ClaimDueRemindersAsync(DateTimeOffset now, DateTimeOffset claimUntil, string nodeId, int max, CancellationToken cancellationToken) =>
        TransactionAsync<IReadOnlyList<ReminderEntry>>(async (tx, ct) =>
        {
            var nowMicros = StoreTime.ToMicros(now);
            var due = await QueryAsync(tx,
                "SELECT grain_type, grain_key, name, due_at, period_us FROM reminders WHERE due_at <= $now AND (claim_until IS NULL OR claim_until <= $now) ORDER BY due_at LIMIT $max",
                MapReminder, ct, ("$now", nowMicros), ("$max", max)).ConfigureAwait(false);
            foreach (var reminder in due)
            {
                await ExecuteAsync(tx, "UPDATE reminders SET claim_until = $u, claimed_by = $node WHERE grain_type = $t AND grain_key = $k AND name = $n", ct,
                    ("$u", StoreTime.ToMicros(claimUntil)), ("$node", nodeId), ("$t", reminder.GrainType), ("$k", reminder.GrainKey), ("$n", reminder.Name)).ConfigureAwait(false);
            }

            return (due, due.Count > 0);
        }, cancellationToken);

    /// <inheritdoc />
    public Task CompleteReminderAsync(ReminderEntry delivered, DateTimeOffset? nextDueAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        return TransactionAsync(async (tx, ct) =>
        {
            (string, object?)[] key = [("$t", delivered.GrainType), ("$k", delivered.GrainKey), ("$n", delivered.Name), ("$d", StoreTime.ToMicros(delivered.DueAt))];
            var changed = nextDueAt is null
                ? await ExecuteAsync(tx, "DELETE FROM reminders WHERE grain_type = $t AND grain_key = $k AND name = $n AND due_at = $d", ct, key).ConfigureAwait(false)
                : await ExecuteAsync(tx, "UPDATE reminders SET due_at = $next, claim_until = NULL, claimed_by = NULL WHERE grain_type = $t AND grain_key = $k AND name = $n AND due_at = $d", ct,
                    [.. key, ("$next", StoreTime.ToMicros(nextDueAt.Value))]).ConfigureAwait(false);
            if (changed == 0)
            {
                // Re-registered during delivery: the new due time stands; only the claim is dropped.
                await ExecuteAsync(tx, "UPDATE reminders SET claim_until = NULL, claimed_by = NULL WHERE grain_type = $t AND grain_key = $k AND name = $n", ct, key).ConfigureAwait(false);
            }

            return (true, true);
        }, cancellationToken);
    }

    private static ReminderEntry MapReminder(SqliteDataReader r) => new()
    {
        GrainType = r.GetString(0),
        GrainKey = r.GetString(1),
        Name = r.GetString(2),
        DueAt = StoreTime.FromMicros(r.GetInt64(3)),
        Period = r.IsDBNull(4) ? null : TimeSpan.FromTicks(r.GetInt64(4) * 10),
    };
}
