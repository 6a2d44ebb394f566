using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Storage;
using CostOrchestrator.Storage.Common;
using Microsoft.Data.Sqlite;

namespace CostOrchestrator.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string ReservationColumns =
        "reservation_id, idempotency_key, state, amount, actual, overdraft, expires_at, chain, attribution, targets";

    /// <inheritdoc />
    public Task<IReadOnlyList<BudgetPolicy>> GetPoliciesAsync(CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<BudgetPolicy>>(async ct =>
            await QueryAsync(null, "SELECT policy FROM budget_policies ORDER BY scope", r => StoreJson.Read<BudgetPolicy>(r.GetString(0)), ct).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<BudgetPolicy?> GetPolicyAsync(string scope, CancellationToken cancellationToken) =>
        LockedAsync(async ct =>
            (await QueryAsync(null, "SELECT policy FROM budget_policies WHERE scope = $s", r => StoreJson.Read<BudgetPolicy>(r.GetString(0)), ct, ("$s", scope)).ConfigureAwait(false))
            .FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<BudgetPolicy> UpsertPolicyAsync(BudgetPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return TransactionAsync(async (tx, ct) =>
        {
            await using var read = Command("SELECT version FROM budget_policies WHERE scope = $s", tx, ("$s", policy.Scope));
            var previous = (long?)await read.ExecuteScalarAsync(ct).ConfigureAwait(false) ?? 0;
            var stored = policy with { Version = previous + 1 };
            await ExecuteAsync(tx,
                "INSERT INTO budget_policies (scope, version, policy) VALUES ($s, $v, $p) ON CONFLICT (scope) DO UPDATE SET version = excluded.version, policy = excluded.policy",
                ct, ("$s", stored.Scope), ("$v", stored.Version), ("$p", StoreJson.Write(stored))).ConfigureAwait(false);
            return (stored, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SpendRow>> GetSpendAsync(IReadOnlyCollection<SpendKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return LockedAsync<IReadOnlyList<SpendRow>>(async ct =>
        {
            var rows = new List<SpendRow>(keys.Count);
            foreach (var key in keys)
            {
                rows.Add(await ReadSpendAsync(null, key, ct).ConfigureAwait(false));
            }

            return rows;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<GovernorSnapshot> ClaimGovernorAsync(string scope, IReadOnlyCollection<SpendKey> windows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(windows);

        // One writer at a time: no reservation write is in flight while the epoch moves and the state is read.
        return TransactionAsync(async (tx, ct) =>
        {
            await ExecuteAsync(tx, "INSERT INTO budget_governors (scope, epoch) VALUES ($s, 1) ON CONFLICT (scope) DO UPDATE SET epoch = epoch + 1", ct, ("$s", scope))
                .ConfigureAwait(false);
            var epoch = (await QueryAsync(tx, "SELECT epoch FROM budget_governors WHERE scope = $s", r => r.GetInt64(0), ct, ("$s", scope)).ConfigureAwait(false))[0];
            var spend = new List<SpendRow>(windows.Count);
            foreach (var key in windows)
            {
                spend.Add(await ReadSpendAsync(tx, key, ct).ConfigureAwait(false));
            }

            var pending = await QueryAsync(tx,
                $"SELECT {ReservationColumns} FROM reservations WHERE state = 'pending' AND EXISTS (SELECT 1 FROM json_each(chain) WHERE value = $s)",
                MapReservation, ct, ("$s", scope)).ConfigureAwait(false);
            return (new GovernorSnapshot
            {
                Epoch = epoch,
                Spend = spend,
                Holds = [.. pending.Select(p => BudgetRecords.HoldOn(scope, p.Reservation, p.Targets))],
            }, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReserveResult> ReserveAsync(StoreReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return TransactionAsync((tx, ct) => ReserveInTransactionAsync(tx, reservation, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReserveResult>> ReserveBatchAsync(IReadOnlyList<StoreReservation> reservations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        return TransactionAsync<IReadOnlyList<ReserveResult>>(
            async (tx, ct) => (await EachInSavepointAsync(tx, reservations, ReserveInTransactionAsync, ct).ConfigureAwait(false), true), cancellationToken);
    }

    // Group commit: each write in its own savepoint, so it stays all-or-nothing inside the shared transaction.
    private async Task<List<TResult>> EachInSavepointAsync<TItem, TResult>(SqliteTransaction tx, IReadOnlyList<TItem> items,
        Func<SqliteTransaction, TItem, CancellationToken, Task<(TResult Result, bool Commit)>> write, CancellationToken ct)
    {
        var results = new List<TResult>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            await ExecuteAsync($"SAVEPOINT w{i}", ct, tx).ConfigureAwait(false);
            var (result, keep) = await write(tx, items[i], ct).ConfigureAwait(false);
            await ExecuteAsync(keep ? $"RELEASE w{i}" : $"ROLLBACK TO w{i}; RELEASE w{i}", ct, tx).ConfigureAwait(false);
            results.Add(result);
        }

        return results;
    }

    private async Task<(ReserveResult Result, bool Commit)> ReserveInTransactionAsync(SqliteTransaction tx, StoreReservation reservation, CancellationToken ct)
    {
        var existing = await FindReservationAsync(tx, "idempotency_key", reservation.IdempotencyKey, ct).ConfigureAwait(false);
        if (existing is not null)
        {
            return (new ReserveResult { Reservation = existing.Value.Reservation, Replayed = true }, false);
        }

        foreach (var fence in reservation.Fences)
        {
            var epoch = await QueryAsync(tx, "SELECT epoch FROM budget_governors WHERE scope = $s", r => r.GetInt64(0), ct, ("$s", fence.Scope)).ConfigureAwait(false);
            if (epoch.Count == 0 || epoch[0] != fence.Epoch)
            {
                return (new ReserveResult { FencedScope = fence.Scope }, false);
            }
        }

        var amount = Cents.ToMicros(reservation.AmountCents);
        foreach (var target in reservation.Targets)
        {
            await ExecuteAsync(tx, "INSERT INTO budget_spend (scope, window_kind, window_start) VALUES ($s, $w, $ws) ON CONFLICT DO NOTHING", ct,
                SpendParameters(BudgetRecords.KeyOf(target))).ConfigureAwait(false);
        }

        await ApplySpendAsync(tx, BudgetRecords.OnReserve(reservation.Targets, amount), ct).ConfigureAwait(false);

        var stored = new Reservation
        {
            ReservationId = reservation.ReservationId,
            IdempotencyKey = reservation.IdempotencyKey,
            Chain = reservation.Chain,
            AmountCents = reservation.AmountCents,
            State = ReservationState.Pending,
            ExpiresAt = StoreTime.Truncate(reservation.ExpiresAt),
            Overdraft = reservation.Overdraft,
            Attribution = reservation.Attribution,
        };
        await ExecuteAsync(tx,
            $"INSERT INTO reservations ({ReservationColumns}, created_at, silo) VALUES ($id, $k, 'pending', $a, NULL, $o, $e, $c, $attr, $t, $now, $silo)", ct,
            ("$id", stored.ReservationId), ("$k", stored.IdempotencyKey), ("$a", amount), ("$o", stored.Overdraft ? 1 : 0),
            ("$e", StoreTime.ToMicros(stored.ExpiresAt)), ("$c", StoreJson.Write(stored.Chain)), ("$attr", StoreJson.Write(stored.Attribution)),
            ("$t", StoreJson.Write(reservation.Targets)), ("$now", StoreTime.ToMicros(reservation.CreatedAt)), ("$silo", reservation.Silo)).ConfigureAwait(false);
        return (new ReserveResult { Reservation = stored }, true);
    }

    /// <inheritdoc />
    public Task<ReservationChange> CommitAsync(string reservationId, decimal actualCents, TokenCounts? tokens, DateTimeOffset now, JournalEntry? journal, CancellationToken cancellationToken) =>
        TransactionAsync<ReservationChange>((tx, ct) => CommitInTransactionAsync(tx,
            new StoreCommit { ReservationId = reservationId, ActualCents = actualCents, Tokens = tokens, Now = now, Journal = journal }, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ReservationChange>> CommitBatchAsync(IReadOnlyList<StoreCommit> commits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commits);
        return TransactionAsync<IReadOnlyList<ReservationChange>>(
            async (tx, ct) => (await EachInSavepointAsync(tx, commits, CommitInTransactionAsync, ct).ConfigureAwait(false), true), cancellationToken);
    }

    private async Task<(ReservationChange Result, bool Commit)> CommitInTransactionAsync(SqliteTransaction tx, StoreCommit commit, CancellationToken ct)
    {
        var (reservationId, actualCents, tokens, now, journal) = (commit.ReservationId, commit.ActualCents, commit.Tokens, commit.Now, commit.Journal);
        var found = await FindReservationAsync(tx, "reservation_id", reservationId, ct).ConfigureAwait(false);
        if (found is not { } f || f.Reservation.State is ReservationState.Committed or ReservationState.Released)
        {
            return (new ReservationChange { Reservation = found?.Reservation }, false);
        }

        var (reservation, targets) = f;
        var amount = Cents.ToMicros(reservation.AmountCents);
        var actual = Cents.ToMicros(actualCents);
        var wasSettled = reservation.State == ReservationState.Unreconciled;
        await ApplySpendAsync(tx, BudgetRecords.OnCommit(targets, amount, actual, wasSettled), ct).ConfigureAwait(false);

        await ExecuteAsync(tx, "UPDATE reservations SET state = 'committed', actual = $x WHERE reservation_id = $id", ct, ("$x", actual), ("$id", reservationId)).ConfigureAwait(false);
        var committed = new ReservationChange
        {
            Reservation = reservation with { State = ReservationState.Committed, ActualCents = actualCents },
            Applied = true,
            Reconciled = wasSettled,
        };
        if (wasSettled)
        {
            await ExecuteAsync(tx, "UPDATE ledger SET actual = $x, unreconciled = 0, tokens = $tok WHERE reservation_id = $id", ct,
                ("$x", actual), ("$tok", tokens is null ? null : StoreJson.Write(tokens)), ("$id", reservationId)).ConfigureAwait(false);
        }
        else
        {
            await InsertLedgerAsync(tx, [BudgetRecords.Committed(reservation, actualCents, tokens, now)], ct).ConfigureAwait(false);
        }

        if (journal is not null)
        {
            await InsertJournalAsync(tx, journal, ct).ConfigureAwait(false);
        }

        return (committed, true);
    }

    /// <inheritdoc />
    public Task<ReservationChange> ChargeSliceAsync(string leaseId, IReadOnlyList<SliceCharge> charges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(charges);
        return TransactionAsync<ReservationChange>(async (tx, ct) =>
        {
            var found = await FindReservationAsync(tx, "reservation_id", leaseId, ct).ConfigureAwait(false);
            if (found is not { } f || f.Reservation.State != ReservationState.Pending || charges.Count == 0)
            {
                return (new ReservationChange { Reservation = found?.Reservation }, false);
            }

            // A flush is written whole or not at all: its first entry present means this one was written already.
            var written = await QueryAsync(tx, "SELECT 1 FROM ledger WHERE entry_id = $id", r => r.GetInt64(0), ct, ("$id", charges[0].EntryId)).ConfigureAwait(false);
            if (written.Count > 0)
            {
                return (new ReservationChange { Reservation = f.Reservation }, false);
            }

            var before = f.Reservation.ActualCents ?? 0m;
            var after = before + charges.Sum(c => c.ActualCents);
            await ApplySpendAsync(tx, BudgetRecords.OnSliceCharge(f.Targets, f.Reservation.AmountCents, before, after), ct).ConfigureAwait(false);
            await ExecuteAsync(tx, "UPDATE reservations SET actual = $x WHERE reservation_id = $id", ct, ("$x", Cents.ToMicros(after)), ("$id", leaseId)).ConfigureAwait(false);
            await InsertLedgerAsync(tx, [.. BudgetRecords.SliceEntries(f.Reservation, charges)], ct).ConfigureAwait(false);

            return (new ReservationChange { Reservation = f.Reservation with { ActualCents = after }, Applied = true }, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReservationChange> ReleaseAsync(string reservationId, CancellationToken cancellationToken) =>
        TransactionAsync<ReservationChange>(async (tx, ct) =>
        {
            var found = await FindReservationAsync(tx, "reservation_id", reservationId, ct).ConfigureAwait(false);
            if (found is not { } f || f.Reservation.State != ReservationState.Pending)
            {
                return (new ReservationChange { Reservation = found?.Reservation }, false);
            }

            await ApplySpendAsync(tx, BudgetRecords.OnRelease(f.Targets, BudgetRecords.OutstandingMicros(f.Reservation)), ct).ConfigureAwait(false);

            await ExecuteAsync(tx, "UPDATE reservations SET state = 'released' WHERE reservation_id = $id", ct, ("$id", reservationId)).ConfigureAwait(false);
            return (new ReservationChange { Reservation = f.Reservation with { State = ReservationState.Released }, Applied = true }, true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Reservation?> GetReservationAsync(string reservationId, CancellationToken cancellationToken) =>
        LockedAsync(async ct => (await FindReservationAsync(null, "reservation_id", reservationId, ct).ConfigureAwait(false))?.Reservation, cancellationToken);

    /// <inheritdoc />
    public Task<Reservation?> GetReservationByKeyAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        LockedAsync(async ct => (await FindReservationAsync(null, "idempotency_key", idempotencyKey, ct).ConfigureAwait(false))?.Reservation, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Reservation>> SettleExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        SettleAsync("expires_at <= $now", now, [], cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Reservation>> SettleWrittenByAsync(IReadOnlyCollection<string> silos, DateTimeOffset now, CancellationToken cancellationToken) =>
        SettleAsync("silo IN (SELECT value FROM json_each($silos))", now, [("$silos", StoreJson.Write(silos))], cancellationToken);

    // Settles the pending reservations matching <paramref name="where"/> (a constant condition).
    private Task<IReadOnlyList<Reservation>> SettleAsync(string where, DateTimeOffset now, (string, object?)[] parameters, CancellationToken cancellationToken) =>
        TransactionAsync<IReadOnlyList<Reservation>>(async (tx, ct) =>
        {
            var expired = await QueryAsync(tx, $"SELECT {ReservationColumns} FROM reservations WHERE state = 'pending' AND {where} ORDER BY reservation_id",
                MapReservation, ct, [("$now", StoreTime.ToMicros(now)), .. parameters]).ConfigureAwait(false);
            var settled = new List<Reservation>(expired.Count);
            foreach (var (reservation, targets) in expired)
            {
                await ApplySpendAsync(tx, BudgetRecords.OnSettle(targets, BudgetRecords.OutstandingMicros(reservation)), ct).ConfigureAwait(false);

                await ExecuteAsync(tx, "UPDATE reservations SET state = 'unreconciled' WHERE reservation_id = $id", ct, ("$id", reservation.ReservationId)).ConfigureAwait(false);
                await InsertLedgerAsync(tx, [BudgetRecords.Settled(reservation, now)], ct).ConfigureAwait(false);
                settled.Add(reservation with { State = ReservationState.Unreconciled });
            }

            return (settled, settled.Count > 0);
        }, cancellationToken);

    /// <inheritdoc />
    public Task AppendLedgerAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return TransactionAsync(async (tx, ct) =>
        {
            await InsertLedgerAsync(tx, [entry], ct).ConfigureAwait(false);
            return (true, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LedgerEntry>> GetLedgerAsync(LedgerQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = "SELECT l.entry_id, l.reservation_id, l.created_at, l.estimated, l.actual, l.saved, l.cache_hit, l.overdraft, l.unreconciled, l.chain, l.attribution, l.tokens FROM ledger l"
            + (query.Scope is null ? " WHERE 1 = 1" : " JOIN ledger_scopes s ON s.entry_id = l.entry_id AND s.scope = $scope WHERE 1 = 1")
            + (query.RunId is null ? string.Empty : " AND l.run_id = $run")
            + (query.From is null ? string.Empty : " AND l.created_at >= $from")
            + (query.To is null ? string.Empty : " AND l.created_at < $to")
            + " ORDER BY l.created_at DESC, l.entry_id DESC LIMIT $limit";
        return LockedAsync<IReadOnlyList<LedgerEntry>>(async ct => await QueryAsync(null, sql, r => new LedgerEntry
        {
            EntryId = r.GetString(0),
            ReservationId = r.IsDBNull(1) ? null : r.GetString(1),
            CreatedAt = StoreTime.FromMicros(r.GetInt64(2)),
            EstimatedCents = Cents.FromMicros(r.GetInt64(3)),
            ActualCents = Cents.FromMicros(r.GetInt64(4)),
            SavedCents = Cents.FromMicros(r.GetInt64(5)),
            CacheHit = r.GetInt64(6) == 1,
            Overdraft = r.GetInt64(7) == 1,
            Unreconciled = r.GetInt64(8) == 1,
            Chain = StoreJson.Read<List<string>>(r.GetString(9)),
            Attribution = StoreJson.Read<ChargeAttribution>(r.GetString(10)),
            Tokens = r.IsDBNull(11) ? null : StoreJson.Read<TokenCounts>(r.GetString(11)),
        }, ct, ("$scope", query.Scope), ("$run", query.RunId), ("$from", query.From is { } f ? StoreTime.ToMicros(f) : null),
            ("$to", query.To is { } t ? StoreTime.ToMicros(t) : null), ("$limit", query.Limit)).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ProviderUses> GetProviderUsesAsync(string providerId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        LockedAsync(async ct =>
        {
            // Both reads under the store's one lock: no commit lands between them. The provider is read with the
            // expression ledger_provider_uses indexes.
            var committed = await QueryAsync(null,
                "SELECT count(*) FROM ledger WHERE json_extract(attribution, '$.provider_id') = $p AND cache_hit = 0 AND created_at >= $from AND created_at < $to",
                r => r.GetInt32(0), ct, ("$p", providerId), ("$from", StoreTime.ToMicros(from)), ("$to", StoreTime.ToMicros(to))).ConfigureAwait(false);
            var pending = await QueryAsync(null,
                "SELECT reservation_id FROM reservations WHERE state = 'pending' AND json_extract(attribution, '$.provider_id') = $p ORDER BY reservation_id",
                r => r.GetString(0), ct, ("$p", providerId)).ConfigureAwait(false);
            return new ProviderUses { Committed = committed[0], Pending = pending };
        }, cancellationToken);

    /// <summary>Applies spend deltas, one row at a time in lock order (<see cref="BudgetRecords.PerRow"/>).</summary>
    private async Task ApplySpendAsync(SqliteTransaction tx, IEnumerable<SpendDelta> deltas, CancellationToken ct)
    {
        foreach (var row in BudgetRecords.PerRow(deltas))
        {
            await ExecuteAsync(tx, "UPDATE budget_spend SET charged = charged + $c, reserved = reserved + $r WHERE scope = $s AND window_kind = $w AND window_start = $ws", ct,
                [.. SpendParameters(row.Key), ("$c", row.Charged), ("$r", row.Reserved)]).ConfigureAwait(false);
        }
    }

    private static (string, object?)[] SpendParameters(SpendKey key) =>
        [("$s", key.Scope), ("$w", StoreJson.EnumName(key.Window)), ("$ws", StoreTime.ToMicros(key.WindowStart))];

    private static (Reservation Reservation, List<ReservationTarget> Targets) MapReservation(SqliteDataReader r) =>
        (new Reservation
        {
            ReservationId = r.GetString(0),
            IdempotencyKey = r.GetString(1),
            State = Enum.Parse<ReservationState>(r.GetString(2), ignoreCase: true),
            AmountCents = Cents.FromMicros(r.GetInt64(3)),
            ActualCents = r.IsDBNull(4) ? null : Cents.FromMicros(r.GetInt64(4)),
            Overdraft = r.GetInt64(5) == 1,
            ExpiresAt = StoreTime.FromMicros(r.GetInt64(6)),
            Chain = StoreJson.Read<List<string>>(r.GetString(7)),
            Attribution = StoreJson.Read<ChargeAttribution>(r.GetString(8)),
        }, StoreJson.Read<List<ReservationTarget>>(r.GetString(9)));

    private async Task<(Reservation Reservation, List<ReservationTarget> Targets)?> FindReservationAsync(SqliteTransaction? tx, string column, string value, CancellationToken ct)
    {
        var rows = await QueryAsync(tx, $"SELECT {ReservationColumns} FROM reservations WHERE {column} = $v", MapReservation, ct, ("$v", value)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private async Task<SpendRow> ReadSpendAsync(SqliteTransaction? tx, SpendKey key, CancellationToken ct)
    {
        var rows = await QueryAsync(tx, "SELECT charged, reserved FROM budget_spend WHERE scope = $s AND window_kind = $w AND window_start = $ws",
            r => new SpendRow(key, Cents.FromMicros(r.GetInt64(0)), Cents.FromMicros(r.GetInt64(1))), ct, SpendParameters(key)).ConfigureAwait(false);
        return rows.Count == 0 ? new SpendRow(key, 0m, 0m) : rows[0];
    }

    // Every ledger write, one entry or a slice's flush of thousands: one prepared statement per table, re-run with each
    // entry's values (not prepared once per row).
    private async Task InsertLedgerAsync(SqliteTransaction tx, IReadOnlyList<LedgerEntry> entries, CancellationToken ct)
    {
        await using var ledger = Command(
            "INSERT INTO ledger (entry_id, reservation_id, created_at, run_id, estimated, actual, saved, cache_hit, overdraft, unreconciled, chain, attribution, tokens) " +
            "VALUES ($id, $res, $t, $run, $e, $a, $s, $h, $o, $u, $c, $attr, $tok)", tx,
            ("$id", null), ("$res", null), ("$t", null), ("$run", null), ("$e", null), ("$a", null), ("$s", null), ("$h", null), ("$o", null), ("$u", null),
            ("$c", null), ("$attr", null), ("$tok", null));
        await using var scopes = Command("INSERT INTO ledger_scopes (scope, entry_id) VALUES ($s, $id)", tx, ("$s", null), ("$id", null));
        foreach (var entry in entries)
        {
            var values = ledger.Parameters;
            values["$id"].Value = entry.EntryId;
            values["$res"].Value = entry.ReservationId ?? (object)DBNull.Value;
            values["$t"].Value = StoreTime.ToMicros(entry.CreatedAt);
            values["$run"].Value = entry.Attribution.RunId ?? (object)DBNull.Value;
            values["$e"].Value = Cents.ToMicros(entry.EstimatedCents);
            values["$a"].Value = Cents.ToMicros(entry.ActualCents);
            values["$s"].Value = Cents.ToMicros(entry.SavedCents);
            values["$h"].Value = entry.CacheHit ? 1 : 0;
            values["$o"].Value = entry.Overdraft ? 1 : 0;
            values["$u"].Value = entry.Unreconciled ? 1 : 0;
            values["$c"].Value = StoreJson.Write(entry.Chain);
            values["$attr"].Value = StoreJson.Write(entry.Attribution);
            values["$tok"].Value = entry.Tokens is null ? DBNull.Value : StoreJson.Write(entry.Tokens);
            await ledger.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            foreach (var scope in entry.Chain.Distinct(StringComparer.Ordinal))
            {
                scopes.Parameters["$s"].Value = scope;
                scopes.Parameters["$id"].Value = entry.EntryId;
                await scopes.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
    }
}
