using System.Collections.Concurrent;
using System.Diagnostics;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cluster.Tests;

public sealed class DatabaseRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A server of its own and the command that restarts it (test.sh starts one for this test alone, so the restart
    /// disturbs no other test); without them the test skips locally and fails under CI.
    /// </summary>
    private static (string ConnectionString, string Restart) IsolatedServer()
    {
        var connectionString = Environment.GetEnvironmentVariable("COSTORCH_TEST_PG_ISOLATED");
        var command = Environment.GetEnvironmentVariable("COSTORCH_TEST_PG_ISOLATED_RESTART");
        if (string.IsNullOrEmpty(command) || string.IsNullOrEmpty(connectionString))
        {
            const string message = "COSTORCH_TEST_PG_ISOLATED and COSTORCH_TEST_PG_ISOLATED_RESTART are not set (test.sh starts a server for this test and sets them).";
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        return (connectionString!, command!);
    }

    [Fact]
    public async Task PostgreSqlRestartedUnderLoad_CallersGetRetryableErrors_NodesRecover_NoCommittedChargeIsLost()
    {
        var (connectionString, restart) = IsolatedServer();
        await using var cluster = await TestCluster.StartAsync(3, connectionString: connectionString);
        await cluster.Nodes[0].SetDailyLimitAsync("global", 1_000_000m);
        var committed = new ConcurrentDictionary<string, decimal>();
        var errors = new ConcurrentBag<Exception>();
        var progress = 0;
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task<T> RetryAsync<T>(Func<Task<T>> call)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return await call();
                }
                catch (Exception ex) when (attempt < 400)
                {
                    errors.Add(ex);

                    // A client backing off before retrying, as it would against any restarting service.
                    await Task.Delay(25, Ct);
                }
            }
        }

        var callers = Enumerable.Range(0, 24).Select(c => Task.Run(async () =>
        {
            var governor = cluster.Nodes[c % 3].Grains.GetGrain<IBudgetGovernorGrain>("global");
            var reservations = cluster.Nodes[c % 3].Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
            for (var i = 0; i < 30; i++)
            {
                var amount = 1m + (c % 5) * 0.125m;
                var reserved = await RetryAsync(() => reservations.ReserveAsync(new ReservationRequest { Chain = ["global"], AmountCents = amount, IdempotencyKey = $"c{c}-{i}" }, Ct));
                var done = await RetryAsync(() => reservations.CommitAsync(reserved.Reservation!.ReservationId, amount, cancellationToken: Ct));
                committed[done!.ReservationId] = amount;
                if (Interlocked.Increment(ref progress) == 240)
                {
                    halfway.TrySetResult();
                }
            }
        }, Ct)).ToList();

        await halfway.Task.WaitAsync(Ct);
        // No redirected pipes: the restarted server would inherit them and the wait would never end.
        using (var process = Process.Start(new ProcessStartInfo("bash", ["-c", restart + " >/dev/null 2>&1"]))!)
        {
            await process.WaitForExitAsync(Ct);
            Assert.Equal(0, process.ExitCode);
        }

        await Task.WhenAll(callers);

        Assert.Equal(24 * 30, committed.Count);
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.IsType<StoreUnavailableException>(e));
        // A node whose pool no caller used since the restart still holds broken connections: its first read answers
        // StoreUnavailableException (a 503 over HTTP) and the retry succeeds, as it would for any caller.
        var ledger = await RetryAsync(() => cluster.Nodes[1].Store.GetLedgerAsync(new LedgerQuery { Scope = "global", Limit = 100_000 }, Ct));
        Assert.Equal(committed.Keys.Order(StringComparer.Ordinal), ledger.Select(e => e.ReservationId!).Order(StringComparer.Ordinal));
        var window = (await RetryAsync(() => cluster.Nodes[2].BudgetAsync("global"))).Windows[0];
        Assert.Equal(committed.Values.Sum(), window.SpentCents);
        Assert.Equal(window.SpentCents, ledger.Sum(e => e.ActualCents));
        Assert.Equal(0m, window.ReservedCents);
    }
}
