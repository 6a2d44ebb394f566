using System.Diagnostics;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Bench.Checks;
using CostOrchestrator.Bench.Hosting;
using CostOrchestrator.Grains.Budget;
using Microsoft.Extensions.DependencyInjection;

namespace CostOrchestrator.Bench.Slices;

/// <summary>
/// Decisions inside one silo's budget slices, through the silo's own <see cref="BudgetSlices"/> with its default
/// settings (slices of at most 100¢ and 50,000 calls, leased and given back through the governors as traffic needs):
/// first take-then-release (a decision with nothing to charge), then take-then-commit for a bounded count, whose ledger
/// rows the slices write in batches; the figure ends when they are all written and the leases given back, and the ledger
/// check then holds the governor's spent to exactly what the commits cost.
/// </summary>
internal sealed class SliceDecisionBench(BenchOptions options, LedgerCheck checks, TextWriter log)
{
    private const string Scope = "team:slices";
    private const decimal CallCents = 0.001m;
    private const decimal ActualCents = 0.0005m;
    private const int MaxCommits = 200_000;

    private static readonly ChargeAttribution _attribution = new() { ProviderId = "bench-llm", Capability = "llm-chat" };

    /// <summary>Measures both figures on an embedded node, and on one silo over PostgreSQL when there is one.</summary>
    public async Task<IReadOnlyList<SliceDecisionFigure>> RunAsync(CancellationToken cancellationToken)
    {
        var figures = new List<SliceDecisionFigure> { await RunAsync(BenchBackend.Sqlite, cancellationToken) };
        if (options.Postgres is not null)
        {
            figures.Add(await RunAsync(BenchBackend.Postgres, cancellationToken));
        }

        return figures;
    }

    private async Task<SliceDecisionFigure> RunAsync(BenchBackend backend, CancellationToken cancellationToken)
    {
        await using var cluster = await BenchCluster.StartAsync(backend, 1, options, cancellationToken);
        await cluster.LimitAsync(Scope, 1_000_000_000m, cancellationToken);
        var slices = cluster.First.Services.GetRequiredService<BudgetSlices>();
        var request = new ReservationRequest
        {
            Chain = ["global", Scope, "capability:llm-chat", "provider:bench-llm"],
            AmountCents = CallCents,
            IdempotencyKey = "bench/slices",
            Attribution = _attribution,
        };

        // The first take finds no slice and asks for one: wait until it is there.
        var warm = Stopwatch.StartNew();
        SliceTicket? first;
        while ((first = slices.TryTake(request)) is null)
        {
            if (warm.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new BenchFailureException("in-slice decisions: no slice was leased within 30 s");
            }

            await Task.Delay(10, cancellationToken);
        }

        slices.Release(first);
        var threads = Environment.ProcessorCount;
        var decided = await RunThreadsAsync(threads, options.Duration, long.MaxValue, ticket => slices.Release(ticket), slices, request);
        log.WriteLine($"in-slice decisions, {cluster.Name}: {decided.PerSecond:0}/s on {threads} threads ({decided.Misses} calls found no slice ready)");

        var writing = Stopwatch.StartNew();
        var committed = await RunThreadsAsync(threads, options.Duration, MaxCommits, ticket => slices.Commit(ticket, ActualCents, null, _attribution), slices, request);
        log.WriteLine($"in-slice decisions + commits, {cluster.Name}: {committed.PerSecond:0}/s ({committed.Count} commits)");

        // Every commit's ledger row written, every lease given back (a slice lives 2 s): then the check.
        var flushing = Stopwatch.StartNew();
        await slices.FlushAsync(cancellationToken);
        var flushedIn = flushing.Elapsed;
        var rowsPerSecond = committed.Count / writing.Elapsed.TotalSeconds;
        var drain = Stopwatch.StartNew();
        while (slices.Describe().Count > 0)
        {
            if (drain.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new BenchFailureException("in-slice decisions: the slices were not given back within 60 s");
            }

            await Task.Delay(50, cancellationToken);
        }

        var check = await checks.VerifyAsync($"in-slice decisions, {cluster.Name}", cluster.First, [Scope],
            new Dictionary<string, decimal>(StringComparer.Ordinal) { [Scope] = committed.Count * ActualCents }, cancellationToken);
        return new SliceDecisionFigure(cluster.Name, threads, decided.PerSecond, decided.Misses, committed.PerSecond, committed.Count, flushedIn, rowsPerSecond, check.Passed);
    }

    // Threads (not tasks: a decision never waits) taking and ending calls until the time or the count is up.
    private static async Task<(double PerSecond, long Count, long Misses)> RunThreadsAsync(int threads, TimeSpan duration, long maxCount, Action<SliceTicket> end,
        BudgetSlices slices, ReservationRequest request)
    {
        long count = 0, misses = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(() =>
        {
            long mine = 0, missed = 0;
            while (clock.Elapsed < duration)
            {
                for (var i = 0; i < 256; i++)
                {
                    if (slices.TryTake(request) is { } ticket)
                    {
                        end(ticket);
                        mine++;
                    }
                    else
                    {
                        missed++;
                        Thread.Yield();
                    }
                }

                if (mine >= maxCount / threads)
                {
                    break;
                }
            }

            Interlocked.Add(ref count, mine);
            Interlocked.Add(ref misses, missed);
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(workers);
        return (count / clock.Elapsed.TotalSeconds, count, misses);
    }
}

/// <summary>What <see cref="SliceDecisionBench"/> measured.</summary>
/// <param name="LedgerRowsPerSecond">Commits over the time from the first commit until every ledger row was written: what the store absorbed.</param>
internal sealed record SliceDecisionFigure(string Cluster, int Threads, double DecisionsPerSecond, long Misses, double CommitsPerSecond, long Commits, TimeSpan LastFlush,
    double LedgerRowsPerSecond, bool CheckPassed);
