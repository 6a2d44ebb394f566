using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Bench.Checks;
using CostOrchestrator.Bench.Hosting;
using CostOrchestrator.Bench.Load;

namespace CostOrchestrator.Bench.Governor;

/// <summary>
/// The governor's hot path: reserve then commit through <see cref="IReservationCoordinatorGrain"/> (each answered
/// only after the store's write is durable), on one hot scope and spread over 1,000, at 1, 8 and 64 callers, embedded
/// and on PostgreSQL, beside pgbench's hot-row conditional update on the same PostgreSQL; then 3 silos at 64 callers,
/// and one over-demanded scope per backend. Each call reserves 0.25¢ and commits 0.2¢, so every commit reconciles.
/// </summary>
internal sealed class GovernorBench(BenchOptions options, LedgerCheck checks, PgBench? pgbench, TextWriter log)
{
    private const decimal ReserveCents = 0.25m;
    private const decimal ActualCents = 0.2m;
    private const decimal RoomyLimitCents = 1_000_000_000m;

    private static readonly int[] _callers = [1, 8, 64];

    /// <summary>Runs every figure in turn.</summary>
    public async Task<GovernorResults> RunAsync(CancellationToken cancellationToken)
    {
        var rows = new List<GovernorRow>();
        foreach (var scopes in new[] { ScopeSet.Hot, ScopeSet.Thousand })
        {
            foreach (var callers in _callers)
            {
                // Side by side in time as well as in the table: the machine is shared, so a row's figures are taken together.
                var embedded = await MeasureAsync(BenchBackend.Sqlite, 1, scopes, callers, cancellationToken);
                var postgres = options.Postgres is null ? null : await MeasureAsync(BenchBackend.Postgres, 1, scopes, callers, cancellationToken);
                var pg = pgbench is null ? null : await pgbench.RunAsync(scopes, callers, options.Duration, cancellationToken);
                if (pg is not null)
                {
                    log.WriteLine($"pgbench, {scopes.Label}, {callers} clients: {pg.Tps:0} tps, p50 {pg.Latency.P50Ms:0.00} ms, p99 {pg.Latency.P99Ms:0.00} ms");
                }

                rows.Add(new GovernorRow(scopes.Label, callers, embedded, postgres, pg));
            }
        }

        var cluster = new List<GovernorFigure>();
        var overdemand = new List<OverdemandFigure> { await OverdemandAsync(BenchBackend.Sqlite, 1, cancellationToken) };
        if (options.Postgres is not null)
        {
            foreach (var scopes in new[] { ScopeSet.Hot, ScopeSet.Thousand })
            {
                cluster.Add(await MeasureAsync(BenchBackend.Postgres, 3, scopes, 64, cancellationToken));
            }

            overdemand.Add(await OverdemandAsync(BenchBackend.Postgres, 1, cancellationToken));
            overdemand.Add(await OverdemandAsync(BenchBackend.Postgres, 3, cancellationToken));
        }

        return new GovernorResults(rows, cluster, overdemand, pgbench?.Settings);
    }

    private async Task<GovernorFigure> MeasureAsync(BenchBackend backend, int silos, ScopeSet scopes, int callers, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.FigureBound);
        var ct = bound.Token;
        var name = $"governor, {BenchCluster.NameOf(backend, silos)}, {scopes.Label}, {callers} caller{(callers == 1 ? string.Empty : "s")}";
        await using var cluster = await BenchCluster.StartAsync(backend, silos, options, ct);
        await Parallel.ForEachAsync(scopes.Scopes, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (scope, c) => await cluster.LimitAsync(scope, RoomyLimitCents, c));

        // Every governor activated (it claims its scope and reads its spend once) and every coordinator warm before
        // the clock starts; these calls are charged and checked like the rest.
        await Parallel.ForEachAsync(scopes.Scopes.Select((scope, i) => (scope, i)), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (s, c) => await ReserveAndCommitAsync(cluster, s.i, s.scope, $"warm/{s.i}", name, c));
        var load = await ClosedLoop.RunAsync(callers, options.Duration, async (caller, i, c) =>
        {
            await ReserveAndCommitAsync(cluster, caller, scopes.Pick(caller, i), $"{caller}/{i}", name, c);
            return true;
        }, ct);
        log.WriteLine($"{name}: {load.PerSecond:0} reserve+commit/s, p50 {load.Latency.P50Ms:0.00} ms, p99 {load.Latency.P99Ms:0.00} ms");
        var check = await checks.VerifyAsync(name, cluster.First, scopes.Scopes, expectedSpent: null, ct);
        return new GovernorFigure(cluster.Name, scopes.Label, callers, load, check);
    }

    private static async Task ReserveAndCommitAsync(BenchCluster cluster, int caller, string scope, string key, string figure, CancellationToken cancellationToken)
    {
        var coordinator = cluster.CoordinatorFor(caller);
        var outcome = await coordinator.ReserveAsync(new ReservationRequest { Chain = [scope], AmountCents = ReserveCents, IdempotencyKey = key }, cancellationToken);
        if (outcome.Reservation is not { } reservation)
        {
            throw new BenchFailureException($"{figure}: refused under a limit it cannot reach: {outcome.Denial?.Message}");
        }

        var committed = await coordinator.CommitAsync(reservation.ReservationId, ActualCents, cancellationToken: cancellationToken);
        if (committed?.State != ReservationState.Committed)
        {
            throw new BenchFailureException($"{figure}: commit of {reservation.ReservationId} ended {committed?.State.ToString() ?? "unknown"}");
        }
    }

    private async Task<OverdemandFigure> OverdemandAsync(BenchBackend backend, int silos, CancellationToken cancellationToken)
    {
        // 64 callers against room for about 500 calls: each reserves 1.25¢ and commits 1¢ until it is refused. The
        // time bound is generous because the figure ends by itself once the limit is reached.
        const int Callers = 64;
        const decimal Limit = 500m, Reserve = 1.25m, Actual = 1m;
        const string Scope = "team:capped";
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.FigureBound);
        var ct = bound.Token;
        var name = $"over-demanded, {BenchCluster.NameOf(backend, silos)}, {Callers} callers, limit {Limit}¢";
        await using var cluster = await BenchCluster.StartAsync(backend, silos, options, ct);
        await cluster.LimitAsync(Scope, Limit, ct);
        long granted = 0, denied = 0;
        var load = await ClosedLoop.RunAsync(Callers, TimeSpan.FromSeconds(Math.Max(options.Seconds, 60)), async (caller, i, c) =>
        {
            var coordinator = cluster.CoordinatorFor(caller);
            var outcome = await coordinator.ReserveAsync(new ReservationRequest { Chain = [Scope], AmountCents = Reserve, IdempotencyKey = $"{caller}/{i}" }, c);
            if (outcome.Reservation is not { } reservation)
            {
                Interlocked.Increment(ref denied);
                return false;
            }

            var committed = await coordinator.CommitAsync(reservation.ReservationId, Actual, cancellationToken: c);
            if (committed?.State != ReservationState.Committed)
            {
                throw new BenchFailureException($"{name}: commit of {reservation.ReservationId} ended {committed?.State.ToString() ?? "unknown"}");
            }

            Interlocked.Increment(ref granted);
            return true;
        }, ct);
        log.WriteLine($"{name}: {granted} granted, {denied} refused in {load.Elapsed.TotalSeconds:0.0} s");
        var check = await checks.VerifyAsync(name, cluster.First, [Scope], new Dictionary<string, decimal> { [Scope] = granted * Actual }, ct);
        if (denied == 0)
        {
            // Not an overspend, but the figure did not test what it is for.
            throw new BenchFailureException($"{name}: no call was refused within the time bound; the limit was never reached");
        }

        return new OverdemandFigure(cluster.Name, Callers, Limit, Reserve, Actual, granted, denied, load.Elapsed, check);
    }
}
