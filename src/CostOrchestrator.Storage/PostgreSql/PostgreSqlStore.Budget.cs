using System.Globalization;
using System.Text;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Storage;
using CostOrchestrator.Storage.Common;
using Npgsql;
using NpgsqlTypes;

namespace CostOrchestrator.Storage.PostgreSql;

public sealed partial class PostgreSqlStore
{
    private const string ReservationColumns =
        "reservation_id, idempotency_key, state, amount, actual, overdraft, expires_at, chain, attribution, targets";

    private const string IdempotencyConstraint = "reservations_idempotency_key";

    private const string LedgerColumns =
        "l.entry_id, l.reservation_id, l.created_at, l.estimated, l.actual, l.saved, l.cache_hit, l.overdraft, l.unreconciled, l.chain, l.attribution, l.tokens";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BudgetPolicy>> GetPoliciesAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT version, policy FROM budget_policies ORDER BY scope", MapPolicy, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<BudgetPolicy?> GetPolicyAsync(string scope, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT version, policy FROM budget_policies WHERE scope = @s", MapPolicy, cancellationToken, Text("s", scope)).ConfigureAwait(false))
        .FirstOrDefault();

    /// <inheritdoc />
    public async Task<BudgetPolicy> UpsertPolicyAsync(BudgetPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);

        // One statement: the row lock taken by ON CONFLICT makes concurrent upserts of one scope count up one by one.
        // The version column is the truth; the copy inside the JSON is overwritten on read.
        var version = (await QueryAsync(
            "INSERT INTO budget_policies (scope, version, policy) VALUES (@s, 1, @p) " +
            "ON CONFLICT (scope) DO UPDATE SET version = budget_policies.version + 1, policy = excluded.policy RETURNING version",
            r => r.GetInt64(0), cancellationToken, Text("s", policy.Scope), Jsonb("p", StoreJson.Write(policy))).ConfigureAwait(false))[0];
        return policy with { Version = version };
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SpendRow>> GetSpendAsync(IReadOnlyCollection<SpendKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return await ReadSpendAsync(null, keys, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Spend rows for <paramref name="keys"/>, missing ones as zero; outside a transaction when <paramref name="tx"/> is null.</summary>
    private async Task<IReadOnlyList<SpendRow>> ReadSpendAsync(NpgsqlTransaction? tx, IReadOnlyCollection<SpendKey> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var list = keys.ToList();
        const string sql =
            "SELECT s.charged, s.reserved FROM unnest(@scopes, @windows, @starts) WITH ORDINALITY AS k (scope, window_kind, window_start, ord) " +
            "LEFT JOIN budget_spend s ON s.scope = k.scope AND s.window_kind = k.window_kind AND s.window_start = k.window_start ORDER BY k.ord";
        NpgsqlParameter[] parameters =
        [
            TextArray("scopes", [.. list.Select(k => k.Scope)]), TextArray("windows", [.. list.Select(k => StoreJson.EnumName(k.Window))]),
            TimeArray("starts", [.. list.Select(k => k.WindowStart)]),
        ];
        static (long, long) Map(NpgsqlDataReader r) => r.IsDBNull(0) ? (0L, 0L) : (r.GetInt64(0), r.GetInt64(1));
        var found = tx is null
            ? await QueryAsync(sql, Map, ct, parameters).ConfigureAwait(false)
            : await QueryAsync(tx, sql, Map, ct, parameters).ConfigureAwait(false);
        return [.. list.Select((key, i) => new SpendRow(key, Cents.FromMicros(found[i].Item1), Cents.FromMicros(found[i].Item2)))];
    }

    /// <inheritdoc />
    public Task<GovernorSnapshot> ClaimGovernorAsync(string scope, IReadOnlyCollection<SpendKey> windows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return TransactionAsync(async (tx, ct) =>
        {
            // The row lock waits for every reservation write holding FOR SHARE on the old epoch; the reads below are
            // later statements, so they see those writes, and any write still to come is refused by the new epoch.
            var epoch = (await QueryAsync(tx,
                "INSERT INTO budget_governors (scope, epoch) VALUES (@s, 1) ON CONFLICT (scope) DO UPDATE SET epoch = budget_governors.epoch + 1 RETURNING epoch",
                r => r.GetInt64(0), ct, Text("s", scope)).ConfigureAwait(false))[0];
            var spend = await ReadSpendAsync(tx, windows, ct).ConfigureAwait(false);
            var pending = await QueryAsync(tx,
                $"SELECT {ReservationColumns} FROM reservations WHERE state = 'pending' AND chain @> jsonb_build_array(@s::text)",
                MapReservation, ct, Text("s", scope)).ConfigureAwait(false);
            return (new GovernorSnapshot
            {
                Epoch = epoch,
                Spend = spend,
                Holds = [.. pending.Select(p => BudgetRecords.HoldOn(scope, p.Reservation, p.Targets))],
            }, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ReserveResult> ReserveAsync(StoreReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        try
        {
            return await TransactionAsync(async (tx, ct) =>
            {
                await CreateSpendRowsAsync(tx, reservation.Targets.Select(BudgetRecords.KeyOf), ct).ConfigureAwait(false);
                return await ReserveInTransactionAsync(tx, reservation, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == IdempotencyConstraint)
        {
            // A concurrent reserve with the same key committed first (our transaction rolled back): its reservation is the answer.
            var winner = await FindReservationAsync(null, "idempotency_key", reservation.IdempotencyKey, forUpdate: false, cancellationToken).ConfigureAwait(false);
            if (winner is null)
            {
                throw;
            }

            return new ReserveResult { Reservation = winner.Value.Reservation, Replayed = true };
        }
    }

    /// <inheritdoc />
    public Task<ReservationChange> CommitAsync(string reservationId, decimal actualCents, TokenCounts? tokens, DateTimeOffset now, JournalEntry? journal, CancellationToken cancellationToken) =>
        TransactionAsync<ReservationChange>((tx, ct) => CommitInTransactionAsync(tx,
            new StoreCommit { ReservationId = reservationId, ActualCents = actualCents, Tokens = tokens, Now = now, Journal = journal }, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ReservationChange>> CommitBatchAsync(IReadOnlyList<StoreCommit> commits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commits);
        if (commits.Count == 1)
        {
            return CommitOneAsync(commits[0], cancellationToken);
        }

        return CommitManyAsync(commits, cancellationToken);
    }

    private async Task<IReadOnlyList<ReservationChange>> CommitOneAsync(StoreCommit commit, CancellationToken cancellationToken) =>
        [await TransactionAsync<ReservationChange>((tx, ct) => CommitInTransactionAsync(tx, commit, ct), cancellationToken).ConfigureAwait(false)];

    private async Task<IReadOnlyList<ReservationChange>> CommitManyAsync(IReadOnlyList<StoreCommit> commits, CancellationToken cancellationToken)
    {
        try
        {
            return await TransactionAsync<IReadOnlyList<ReservationChange>>(async (tx, ct) =>
            {
                // Lock the batch's reservations in id order, then every spend row they touch in the one global order,
                // before changing anything: two nodes' batches then queue on their first shared row, never in a cycle.
                var found = await QueryAsync(tx,
                    $"SELECT {ReservationColumns} FROM reservations WHERE reservation_id = ANY(@ids) ORDER BY reservation_id FOR UPDATE",
                    MapReservation, ct, TextArray("ids", [.. commits.Select(c => c.ReservationId).Distinct()])).ConfigureAwait(false);
                await CreateSpendRowsAsync(tx, found.SelectMany(f => f.Targets).Select(BudgetRecords.KeyOf), ct).ConfigureAwait(false);
                return (await EachInSavepointAsync(tx, commits, CommitInTransactionAsync, ct).ConfigureAwait(false), true);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsBatchConflict(ex))
        {
            // Rare (a lock conflict): the batch rolled back; commit each in its own transaction.
            var results = new List<ReservationChange>(commits.Count);
            foreach (var commit in commits)
            {
                results.AddRange(await CommitOneAsync(commit, cancellationToken).ConfigureAwait(false));
            }

            return results;
        }
    }

    private async Task<(ReservationChange Result, bool Commit)> CommitInTransactionAsync(NpgsqlTransaction tx, StoreCommit commit, CancellationToken ct)
    {
        var (reservationId, actualCents, tokens, now, journal) = (commit.ReservationId, commit.ActualCents, commit.Tokens, commit.Now, commit.Journal);
        // The row lock makes a concurrent commit or release of the same id wait, then see the new state.
        var found = await FindReservationAsync(tx, "reservation_id", reservationId, forUpdate: true, ct).ConfigureAwait(false);
        if (found is not { } f || f.Reservation.State is ReservationState.Committed or ReservationState.Released)
        {
            return (new ReservationChange { Reservation = found?.Reservation }, false);
        }

        var (reservation, targets) = f;
        var amount = Cents.ToMicros(reservation.AmountCents);
        var actual = Cents.ToMicros(actualCents);
        var wasSettled = reservation.State == ReservationState.Unreconciled;

        // A settled reservation already moved its amount from reserved to charged: swap that amount for the actual.
        await ApplySpendAsync(tx, BudgetRecords.OnCommit(targets, amount, actual, wasSettled), ct).ConfigureAwait(false);
        await ExecuteAsync(tx, "UPDATE reservations SET state = 'committed', actual = @x WHERE reservation_id = @id", ct,
            Bigint("x", actual), Text("id", reservationId)).ConfigureAwait(false);
        if (wasSettled)
        {
            await ExecuteAsync(tx, "UPDATE ledger SET actual = @x, unreconciled = false, tokens = @tok WHERE reservation_id = @id", ct,
                Bigint("x", actual), Jsonb("tok", tokens is null ? null : StoreJson.Write(tokens)), Text("id", reservationId)).ConfigureAwait(false);
        }
        else
        {
            await InsertLedgerAsync(tx, [BudgetRecords.Committed(reservation, actualCents, tokens, now)], ct).ConfigureAwait(false);
        }

        if (journal is not null)
        {
            await ExecuteAsync(tx, InsertJournalSql, ct, JournalParameters(journal)).ConfigureAwait(false);
        }

        return (new ReservationChange
        {
            Reservation = reservation with { State = ReservationState.Committed, ActualCents = actualCents },
            Applied = true,
            Reconciled = wasSettled,
        }, true);
    }

    /// <inheritdoc />
    public Task<ReservationChange> ChargeSliceAsync(string leaseId, IReadOnlyList<SliceCharge> charges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(charges);
        return TransactionAsync<ReservationChange>(async (tx, ct) =>
        {
            var found = await FindReservationAsync(tx, "reservation_id", leaseId, forUpdate: true, ct).ConfigureAwait(false);
            if (found is not { } f || f.Reservation.State != ReservationState.Pending || charges.Count == 0)
            {
                return (new ReservationChange { Reservation = found?.Reservation }, false);
            }

            // A flush is written whole or not at all: its first entry present means this one was written already.
            var written = await QueryAsync(tx, "SELECT 1 FROM ledger WHERE entry_id = @id", r => r.GetInt32(0), ct, Text("id", charges[0].EntryId)).ConfigureAwait(false);
            if (written.Count > 0)
            {
                return (new ReservationChange { Reservation = f.Reservation }, false);
            }

            var before = f.Reservation.ActualCents ?? 0m;
            var after = before + charges.Sum(c => c.ActualCents);
            await ApplySpendAsync(tx, BudgetRecords.OnSliceCharge(f.Targets, f.Reservation.AmountCents, before, after), ct).ConfigureAwait(false);
            await ExecuteAsync(tx, "UPDATE reservations SET actual = @x WHERE reservation_id = @id", ct, Bigint("x", Cents.ToMicros(after)), Text("id", leaseId)).ConfigureAwait(false);
            await InsertLedgerAsync(tx, [.. BudgetRecords.SliceEntries(f.Reservation, charges)], ct).ConfigureAwait(false);
            return (new ReservationChange { Reservation = f.Reservation with { ActualCents = after }, Applied = true }, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReservationChange> ReleaseAsync(string reservationId, CancellationToken cancellationToken) =>
        TransactionAsync<ReservationChange>(async (tx, ct) =>
        {
            var found = await FindReservationAsync(tx, "reservation_id", reservationId, forUpdate: true, ct).ConfigureAwait(false);
            if (found is not { } f || f.Reservation.State != ReservationState.Pending)
            {
                return (new ReservationChange { Reservation = found?.Reservation }, false);
            }

            await ApplySpendAsync(tx, BudgetRecords.OnRelease(f.Targets, BudgetRecords.OutstandingMicros(f.Reservation)), ct).ConfigureAwait(false);
            await ExecuteAsync(tx, "UPDATE reservations SET state = 'released' WHERE reservation_id = @id", ct, Text("id", reservationId)).ConfigureAwait(false);
            return (new ReservationChange { Reservation = f.Reservation with { State = ReservationState.Released }, Applied = true }, true);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<Reservation?> GetReservationAsync(string reservationId, CancellationToken cancellationToken) =>
        (await FindReservationAsync(null, "reservation_id", reservationId, forUpdate: false, cancellationToken).ConfigureAwait(false))?.Reservation;

    /// <inheritdoc />
    public async Task<Reservation?> GetReservationByKeyAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        (await FindReservationAsync(null, "idempotency_key", idempotencyKey, forUpdate: false, cancellationToken).ConfigureAwait(false))?.Reservation;

    /// <inheritdoc />
    public Task<IReadOnlyList<Reservation>> SettleExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        SettleAsync("expires_at <= @now", now, [], cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Reservation>> SettleWrittenByAsync(IReadOnlyCollection<string> silos, DateTimeOffset now, CancellationToken cancellationToken) =>
        SettleAsync("silo = ANY(@silos)", now, [TextArray("silos", [.. silos])], cancellationToken);

    // Settles the pending reservations matching <paramref name="where"/> (a constant condition).
    private Task<IReadOnlyList<Reservation>> SettleAsync(string where, DateTimeOffset now, NpgsqlParameter[] parameters, CancellationToken cancellationToken) =>
        TransactionAsync<IReadOnlyList<Reservation>>(async (tx, ct) =>
        {
            // SKIP LOCKED: a reservation another node is settling, committing or releasing right now is theirs.
            var expired = await QueryAsync(tx,
                $"SELECT {ReservationColumns} FROM reservations WHERE state = 'pending' AND {where} ORDER BY reservation_id FOR UPDATE SKIP LOCKED",
                MapReservation, ct, [Time("now", now), .. parameters]).ConfigureAwait(false);
            if (expired.Count == 0)
            {
                return ([], false);
            }

            await ApplySpendAsync(tx, expired.SelectMany(e => BudgetRecords.OnSettle(e.Targets, BudgetRecords.OutstandingMicros(e.Reservation))), ct).ConfigureAwait(false);
            await ExecuteAsync(tx, "UPDATE reservations SET state = 'unreconciled' WHERE reservation_id = ANY(@ids)", ct,
                TextArray("ids", [.. expired.Select(e => e.Reservation.ReservationId)])).ConfigureAwait(false);
            await InsertLedgerAsync(tx, [.. expired.Select(e => BudgetRecords.Settled(e.Reservation, now))], ct).ConfigureAwait(false);
            return ([.. expired.Select(e => e.Reservation with { State = ReservationState.Unreconciled })], true);
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
    public async Task<IReadOnlyList<LedgerEntry>> GetLedgerAsync(LedgerQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<NpgsqlParameter> { Int("limit", query.Limit) };
        var sql = new StringBuilder($"SELECT {LedgerColumns} FROM ledger l");
        if (query.Scope is not null)
        {
            sql.Append(" JOIN ledger_scopes s ON s.entry_id = l.entry_id AND s.scope = @scope");
            parameters.Add(Text("scope", query.Scope));
        }

        sql.Append(" WHERE true");
        if (query.RunId is not null)
        {
            sql.Append(" AND l.run_id = @run");
            parameters.Add(Text("run", query.RunId));
        }

        if (query.From is { } from)
        {
            sql.Append(" AND l.created_at >= @from");
            parameters.Add(Time("from", from));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND l.created_at < @to");
            parameters.Add(Time("to", to));
        }

        sql.Append(" ORDER BY l.created_at DESC, l.entry_id DESC LIMIT @limit");
        return await QueryAsync(sql.ToString(), MapLedger, cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReserveResult>> ReserveBatchAsync(IReadOnlyList<StoreReservation> reservations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        if (reservations.Count == 1)
        {
            return [await ReserveAsync(reservations[0], cancellationToken).ConfigureAwait(false)];
        }

        try
        {
            return await TransactionAsync<IReadOnlyList<ReserveResult>>(async (tx, ct) =>
            {
                await CreateSpendRowsAsync(tx, reservations.SelectMany(r => r.Targets).Select(BudgetRecords.KeyOf), ct).ConfigureAwait(false);
                return (await EachInSavepointAsync(tx, reservations, ReserveInTransactionAsync, ct).ConfigureAwait(false), true);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsBatchConflict(ex))
        {
            // Rare: a concurrent reserve with one of the batch's idempotency keys, or a lock conflict. The whole batch
            // rolled back; do each reservation in its own transaction, where those cases are handled one by one.
            var results = new List<ReserveResult>(reservations.Count);
            foreach (var reservation in reservations)
            {
                results.Add(await ReserveAsync(reservation, cancellationToken).ConfigureAwait(false));
            }

            return results;
        }
    }

    // Group commit: each write in its own savepoint, so it stays all-or-nothing inside the shared transaction.
    private static async Task<List<TResult>> EachInSavepointAsync<TItem, TResult>(NpgsqlTransaction tx, IReadOnlyList<TItem> items,
        Func<NpgsqlTransaction, TItem, CancellationToken, Task<(TResult Result, bool Commit)>> write, CancellationToken ct)
    {
        var results = new List<TResult>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var savepoint = "w" + i.ToString(CultureInfo.InvariantCulture);
            await tx.SaveAsync(savepoint, ct).ConfigureAwait(false);
            var (result, keep) = await write(tx, items[i], ct).ConfigureAwait(false);
            if (keep)
            {
                await tx.ReleaseAsync(savepoint, ct).ConfigureAwait(false);
            }
            else
            {
                await tx.RollbackAsync(savepoint, ct).ConfigureAwait(false);
            }

            results.Add(result);
        }

        return results;
    }

    private static bool IsBatchConflict(Exception ex) =>
        (ex as PostgresException ?? ex.InnerException as PostgresException)?.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    /// <summary>
    /// Creates the spend rows <paramref name="keys"/> name if missing and locks them in the one global order
    /// (scope, window, start), so two nodes' writes queue on their first shared row instead of forming a lock cycle.
    /// </summary>
    private static async Task CreateSpendRowsAsync(NpgsqlTransaction tx, IEnumerable<SpendKey> keys, CancellationToken ct)
    {
        var ordered = keys.Distinct()
            .OrderBy(k => k.Scope, StringComparer.Ordinal).ThenBy(k => k.Window).ThenBy(k => k.WindowStart).ToList();
        if (ordered.Count == 0)
        {
            return;
        }

        NpgsqlParameter[] Keys() =>
        [
            TextArray("scopes", [.. ordered.Select(k => k.Scope)]),
            TextArray("windows", [.. ordered.Select(k => StoreJson.EnumName(k.Window))]),
            TimeArray("starts", [.. ordered.Select(k => k.WindowStart)]),
        ];
        await ExecuteAsync(tx,
            "INSERT INTO budget_spend (scope, window_kind, window_start) SELECT k.scope, k.window_kind, k.window_start " +
            "FROM unnest(@scopes, @windows, @starts) WITH ORDINALITY AS k (scope, window_kind, window_start, ord) ORDER BY k.ord ON CONFLICT DO NOTHING", ct, Keys()).ConfigureAwait(false);
        await QueryAsync(tx,
            "SELECT 1 FROM budget_spend s JOIN unnest(@scopes, @windows, @starts) WITH ORDINALITY AS k (scope, window_kind, window_start, ord) " +
            "ON s.scope = k.scope AND s.window_kind = k.window_kind AND s.window_start = k.window_start ORDER BY k.ord FOR UPDATE OF s", _ => 1, ct, Keys()).ConfigureAwait(false);
    }

    private async Task<(ReserveResult Result, bool Commit)> ReserveInTransactionAsync(NpgsqlTransaction tx, StoreReservation reservation, CancellationToken ct)
    {
        var existing = await FindReservationAsync(tx, "idempotency_key", reservation.IdempotencyKey, forUpdate: false, ct).ConfigureAwait(false);
        if (existing is not null)
        {
            return (new ReserveResult { Reservation = existing.Value.Reservation, Replayed = true }, false);
        }

        if (reservation.Fences.Count > 0)
        {
            // FOR SHARE: a governor activation claiming a newer epoch waits until this transaction ends.
            var current = await QueryAsync(tx,
                "SELECT g.scope FROM budget_governors g JOIN unnest(@fs, @fe) AS f (scope, epoch) ON g.scope = f.scope AND g.epoch = f.epoch FOR SHARE OF g",
                r => r.GetString(0), ct,
                TextArray("fs", [.. reservation.Fences.Select(f => f.Scope)]),
                Typed("fe", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, reservation.Fences.Select(f => f.Epoch).ToArray())).ConfigureAwait(false);
            if (reservation.Fences.FirstOrDefault(f => !current.Contains(f.Scope)) is { } fenced)
            {
                return (new ReserveResult { FencedScope = fenced.Scope }, false);
            }
        }

        var amount = Cents.ToMicros(reservation.AmountCents);
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
            $"INSERT INTO reservations ({ReservationColumns}, created_at, silo) VALUES (@id, @k, 'pending', @a, NULL, @o, @e, @c, @attr, @t, @now, @silo)", ct,
            Text("id", stored.ReservationId), Text("k", stored.IdempotencyKey), Bigint("a", amount), Bool("o", stored.Overdraft), Time("e", stored.ExpiresAt),
            Jsonb("c", StoreJson.Write(stored.Chain)), Jsonb("attr", StoreJson.Write(stored.Attribution)), Jsonb("t", StoreJson.Write(reservation.Targets)),
            Time("now", reservation.CreatedAt), Text("silo", reservation.Silo)).ConfigureAwait(false);
        return (new ReserveResult { Reservation = stored }, true);
    }

    /// <summary>Applies spend deltas, one statement per row in lock order (<see cref="BudgetRecords.PerRow"/>), in one round trip.</summary>
    private static async Task ApplySpendAsync(NpgsqlTransaction tx, IEnumerable<SpendDelta> deltas, CancellationToken ct)
    {
        var rows = BudgetRecords.PerRow(deltas);
        if (rows.Count == 0)
        {
            return;
        }

        await using var cmd = new NpgsqlCommand(null, tx.Connection, tx);
        var sql = new StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            cmd.Parameters.AddRange(KeyParameters(rows[i].Key, n));
            cmd.Parameters.Add(Bigint("c" + n, rows[i].Charged));
            cmd.Parameters.Add(Bigint("r" + n, rows[i].Reserved));
            sql.Append(CultureInfo.InvariantCulture,
                $"UPDATE budget_spend SET charged = charged + @c{n}, reserved = reserved + @r{n} WHERE scope = @s{n} AND window_kind = @w{n} AND window_start = @ws{n};");
        }

        cmd.CommandText = sql.ToString();
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static NpgsqlParameter[] KeyParameters(SpendKey key, string suffix) =>
        [Text("s" + suffix, key.Scope), Text("w" + suffix, StoreJson.EnumName(key.Window)), Time("ws" + suffix, key.WindowStart)];

    private static BudgetPolicy MapPolicy(NpgsqlDataReader r) => StoreJson.Read<BudgetPolicy>(r.GetString(1)) with { Version = r.GetInt64(0) };

    private static (Reservation Reservation, List<ReservationTarget> Targets) MapReservation(NpgsqlDataReader r) =>
        (new Reservation
        {
            ReservationId = r.GetString(0),
            IdempotencyKey = r.GetString(1),
            State = Enum.Parse<ReservationState>(r.GetString(2), ignoreCase: true),
            AmountCents = Cents.FromMicros(r.GetInt64(3)),
            ActualCents = r.IsDBNull(4) ? null : Cents.FromMicros(r.GetInt64(4)),
            Overdraft = r.GetBoolean(5),
            ExpiresAt = ReadTime(r, 6),
            Chain = StoreJson.Read<List<string>>(r.GetString(7)),
            Attribution = StoreJson.Read<ChargeAttribution>(r.GetString(8)),
        }, StoreJson.Read<List<ReservationTarget>>(r.GetString(9)));

    private static LedgerEntry MapLedger(NpgsqlDataReader r) => new()
    {
        EntryId = r.GetString(0),
        ReservationId = r.IsDBNull(1) ? null : r.GetString(1),
        CreatedAt = ReadTime(r, 2),
        EstimatedCents = Cents.FromMicros(r.GetInt64(3)),
        ActualCents = Cents.FromMicros(r.GetInt64(4)),
        SavedCents = Cents.FromMicros(r.GetInt64(5)),
        CacheHit = r.GetBoolean(6),
        Overdraft = r.GetBoolean(7),
        Unreconciled = r.GetBoolean(8),
        Chain = StoreJson.Read<List<string>>(r.GetString(9)),
        Attribution = StoreJson.Read<ChargeAttribution>(r.GetString(10)),
        Tokens = r.IsDBNull(11) ? null : StoreJson.Read<TokenCounts>(r.GetString(11)),
    };

    /// <summary>A reservation by <paramref name="column"/> (a constant: reservation_id or idempotency_key); outside a transaction when <paramref name="tx"/> is null.</summary>
    private async Task<(Reservation Reservation, List<ReservationTarget> Targets)?> FindReservationAsync(
        NpgsqlTransaction? tx, string column, string value, bool forUpdate, CancellationToken ct)
    {
        var sql = $"SELECT {ReservationColumns} FROM reservations WHERE {column} = @v" + (forUpdate ? " FOR UPDATE" : string.Empty);
        var rows = tx is null
            ? await QueryAsync(sql, MapReservation, ct, Text("v", value)).ConfigureAwait(false)
            : await QueryAsync(tx, sql, MapReservation, ct, Text("v", value)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<ProviderUses> GetProviderUsesAsync(string providerId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // One statement reads one snapshot: a commit (reservation no longer pending, its ledger entry written, in one
        // transaction) is either wholly before it or wholly after. The count's row is the one without a reservation id.
        var rows = await QueryAsync(
            "SELECT NULL::text COLLATE \"C\", count(*) FROM ledger WHERE attribution->>'provider_id' = @p AND NOT cache_hit AND created_at >= @from AND created_at < @to " +
            "UNION ALL SELECT reservation_id, 0 FROM reservations WHERE state = 'pending' AND attribution->>'provider_id' = @p",
            r => (ReservationId: r.IsDBNull(0) ? null : r.GetString(0), Count: r.GetInt64(1)), cancellationToken,
            Text("p", providerId), Time("from", from), Time("to", to)).ConfigureAwait(false);
        return new ProviderUses
        {
            Committed = (int)rows.Where(r => r.ReservationId is null).Sum(r => r.Count),
            Pending = [.. rows.Where(r => r.ReservationId is not null).Select(r => r.ReservationId!).Order(StringComparer.Ordinal)],
        };
    }

    // Every ledger write, one entry or a slice's flush of thousands: two statements, one round trip, not one per entry.
    private static async Task InsertLedgerAsync(NpgsqlTransaction tx, IReadOnlyList<LedgerEntry> entries, CancellationToken ct)
    {
        static NpgsqlParameter Bigints(string name, IEnumerable<long> values) => Typed(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint, values.ToArray());
        static NpgsqlParameter Bools(string name, IEnumerable<bool> values) => Typed(name, NpgsqlDbType.Array | NpgsqlDbType.Boolean, values.ToArray());
        await ExecuteAsync(tx,
            "INSERT INTO ledger (entry_id, reservation_id, created_at, run_id, estimated, actual, saved, cache_hit, overdraft, unreconciled, chain, attribution, tokens) " +
            "SELECT e.id, e.res, e.t, e.run, e.e, e.a, e.s, e.h, e.o, e.u, e.c::jsonb, e.attr::jsonb, e.tok::jsonb " +
            "FROM unnest(@ids, @res, @t, @run, @e, @a, @s, @h, @o, @u, @c, @attr, @tok) AS e(id, res, t, run, e, a, s, h, o, u, c, attr, tok);" +
            "INSERT INTO ledger_scopes (scope, entry_id) SELECT DISTINCT scope, e.id FROM unnest(@ids, @c) AS e(id, c), jsonb_array_elements_text(e.c::jsonb) AS scope", ct,
            TextArray("ids", [.. entries.Select(e => e.EntryId)]), TextArray("res", [.. entries.Select(e => e.ReservationId!)]),
            TimeArray("t", [.. entries.Select(e => e.CreatedAt)]), TextArray("run", [.. entries.Select(e => e.Attribution.RunId!)]),
            Bigints("e", entries.Select(e => Cents.ToMicros(e.EstimatedCents))), Bigints("a", entries.Select(e => Cents.ToMicros(e.ActualCents))),
            Bigints("s", entries.Select(e => Cents.ToMicros(e.SavedCents))),
            Bools("h", entries.Select(e => e.CacheHit)), Bools("o", entries.Select(e => e.Overdraft)), Bools("u", entries.Select(e => e.Unreconciled)),
            TextArray("c", [.. entries.Select(e => StoreJson.Write(e.Chain))]), TextArray("attr", [.. entries.Select(e => StoreJson.Write(e.Attribution))]),
            TextArray("tok", [.. entries.Select(e => e.Tokens is null ? null! : StoreJson.Write(e.Tokens))])).ConfigureAwait(false);
    }
}
