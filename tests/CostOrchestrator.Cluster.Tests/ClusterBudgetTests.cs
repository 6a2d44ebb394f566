using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;
using Orleans;
using Orleans.Runtime;

namespace CostOrchestrator.Cluster.Tests;

/// <summary>Many nodes, one database, still never a cent over.</summary>
public sealed class ClusterBudgetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static decimal Size(int caller) => 0.5m + (caller % 11) * 0.731337m;

    [Fact]
    public async Task Reserve_96CallersOnThreeNodes_OneScope_NeverOverspendAndLedgerEqualsSpent()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        const decimal limit = 123.456789m;
        await cluster.Nodes[0].SetDailyLimitAsync("team:media", limit);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = Enumerable.Range(0, 96).Select(async i =>
        {
            await go.Task;
            var node = cluster.Nodes[i % 3];
            var outcome = await node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey).ReserveAsync(new ReservationRequest
            {
                Chain = ["team:media", $"user:u{i}"],
                AmountCents = Size(i),
                IdempotencyKey = $"c{i}",
            }, Ct);
            return (Caller: i, Outcome: outcome);
        }).ToList();
        go.SetResult();
        var results = await Task.WhenAll(calls);

        var approved = results.Where(r => r.Outcome.Approved).ToList();
        var held = (await cluster.Nodes[1].BudgetAsync("team:media")).Windows[0];
        Assert.True(approved.Sum(r => Size(r.Caller)) <= limit);
        Assert.Equal(approved.Sum(r => Size(r.Caller)), held.ReservedCents);
        Assert.Contains(results, r => !r.Outcome.Approved);
        Assert.All(results.Where(r => !r.Outcome.Approved), r =>
            Assert.True(r.Outcome.Denial!.SpentCents + r.Outcome.Denial.ReservedCents + Size(r.Caller) > limit, "a refusal that would have fitted"));

        // Commit from a different node than the one that reserved: the reservation lives in the database.
        await Task.WhenAll(approved.Select(r => cluster.Nodes[(r.Caller + 1) % 3].Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey)
            .CommitAsync(r.Outcome.Reservation!.ReservationId, Size(r.Caller) - 0.25m, cancellationToken: Ct)));

        var window = (await cluster.Nodes[2].BudgetAsync("team:media")).Windows[0];
        var ledger = await cluster.Nodes[0].Store.GetLedgerAsync(new LedgerQuery { Scope = "team:media" }, Ct);
        Assert.Equal(approved.Sum(r => Size(r.Caller) - 0.25m), window.SpentCents);
        Assert.Equal(0m, window.ReservedCents);
        Assert.Equal(window.SpentCents, ledger.Sum(e => e.ActualCents));
    }

    [Fact]
    public async Task Reserve_96CallersOnThreeNodes_SharedChainLinks_EveryScopeHoldsAndMatchesTheLedger()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var limits = new Dictionary<string, decimal>
        {
            ["global"] = 150m,
            ["team:a"] = 60m,
            ["team:b"] = 70m,
            ["pipeline:p0"] = 45.5m,
            ["pipeline:p1"] = 50m,
            ["pipeline:p2"] = 80m,
        };
        foreach (var (scope, limit) in limits)
        {
            await cluster.Nodes[0].SetDailyLimitAsync(scope, limit);
        }

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        static string[] Chain(int i) => ["global", $"team:{(i % 2 == 0 ? "a" : "b")}", $"pipeline:p{i % 3}"];

        var calls = Enumerable.Range(0, 96).Select(async i =>
        {
            await go.Task;
            var reservations = cluster.Nodes[i % 3].Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
            var outcome = await reservations.ReserveAsync(new ReservationRequest { Chain = Chain(i), AmountCents = Size(i), IdempotencyKey = $"c{i}" }, Ct);
            if (outcome.Approved)
            {
                await reservations.CommitAsync(outcome.Reservation!.ReservationId, Size(i), cancellationToken: Ct);
            }

            return (Caller: i, outcome.Approved);
        }).ToList();
        go.SetResult();
        var results = await Task.WhenAll(calls);

        foreach (var (scope, limit) in limits)
        {
            var expected = results.Where(r => r.Approved && Chain(r.Caller).Contains(scope)).Sum(r => Size(r.Caller));
            var window = (await cluster.Nodes[0].BudgetAsync(scope)).Windows[0];
            var ledger = await cluster.Nodes[1].Store.GetLedgerAsync(new LedgerQuery { Scope = scope }, Ct);
            Assert.True(window.SpentCents <= limit, $"{scope} spent {window.SpentCents} over {limit}");
            Assert.Equal(expected, window.SpentCents);
            Assert.Equal(window.SpentCents, ledger.Sum(e => e.ActualCents));
        }

        Assert.Contains(results, r => !r.Approved);
    }

    [Fact]
    public async Task ChainReservations_FromEverySilo_WithASiloKilledMidway_NeverOverspend_AndLedgerEqualsEveryGovernor()
    {
        var clock = new ManualTimeProvider(TestNode.Start);
        await using var cluster = await TestCluster.StartAsync(3, clock);
        var limits = new Dictionary<string, decimal> { ["global"] = 200m, ["team:a"] = 90m, ["team:b"] = 100m };
        foreach (var (scope, limit) in limits)
        {
            await cluster.Nodes[0].SetDailyLimitAsync(scope, limit);
        }

        var nodes = new[] { cluster["node-1"], cluster["node-2"], cluster["node-3"] };
        static string[] Chain(int i) => ["global", $"team:{(i % 2 == 0 ? "a" : "b")}", $"user:u{i % 7}"];

        // One caller: reserve on a silo, and commit a little under the worst case if approved. A call in flight during
        // the kill may fail (its silo died, or a governor it needed did): no known outcome (null); its reservation, if
        // it was written, is settled at its TTL below.
        async Task<(int Caller, ReservationOutcome? Outcome)> CallAsync(int i, CostOrchestratorNode node, bool duringKill = false)
        {
            try
            {
                var reservations = node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
                var outcome = await reservations.ReserveAsync(new ReservationRequest { Chain = Chain(i), AmountCents = Size(i), IdempotencyKey = $"c{i}" }, Ct);
                if (outcome.Approved)
                {
                    await reservations.CommitAsync(outcome.Reservation!.ReservationId, Size(i) - 0.1m, cancellationToken: Ct);
                }

                return (i, outcome);
            }
            catch (Exception) when (duringKill)
            {
                return (i, null);
            }
        }

        // 48 callers on all three silos; 48 more while node-3 is killed; then 48 on the survivors once it is dead.
        var before = await Task.WhenAll(Enumerable.Range(0, 48).Select(i => CallAsync(i, nodes[i % 3])));
        var during = Enumerable.Range(48, 48).Select(i => CallAsync(i, nodes[i % 3], duringKill: true)).ToList();
        await cluster.KillAsync("node-3");
        var cutOff = await Task.WhenAll(during);
        await Eventually.ReturnsAsync(
            () => nodes[0].Grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false),
            all => all.Any(h => h.SiloName == "node-3" && h.Status == SiloStatus.Dead), Ct);
        var after = await Task.WhenAll(Enumerable.Range(96, 48).Select(i => CallAsync(i, nodes[i % 2])));
        var results = before.Concat(cutOff).Concat(after).ToList();

        // Every acknowledged reservation is durable; a refusal was a real one.
        var approved = results.Where(r => r.Outcome?.Approved == true).ToList();
        foreach (var (_, outcome) in approved)
        {
            Assert.NotNull(await nodes[0].Store.GetReservationAsync(outcome!.Reservation!.ReservationId, Ct));
        }

        Assert.Contains(results, r => r.Outcome is { Approved: false });
        Assert.All(results.Where(r => r.Outcome is { Approved: false }), r =>
            Assert.True(r.Outcome!.Denial!.SpentCents + r.Outcome.Denial.ReservedCents + Size(r.Caller) > r.Outcome.Denial.LimitCents, "a refusal that would have fitted"));

        // Once the dead silo's open reservations are settled at their TTL, every scope is within its limit and
        // its spend equals its ledger exactly.
        clock.Advance(nodes[0].Options.ReservationTtl);
        await nodes[0].SettleExpiredAsync(Ct);
        foreach (var (scope, limit) in limits)
        {
            var window = await Eventually.ReturnsAsync(async () => (await nodes[1].BudgetAsync(scope)).Windows[0], w => w.ReservedCents == 0m, Ct);
            var ledger = await nodes[0].Store.GetLedgerAsync(new LedgerQuery { Scope = scope }, Ct);
            Assert.True(window.SpentCents <= limit, $"{scope} spent {window.SpentCents} over {limit}");
            Assert.Equal(window.SpentCents, ledger.Sum(e => e.ActualCents));
            Assert.True(approved.Where(r => Chain(r.Caller).Contains(scope)).Sum(r => Size(r.Caller) - 0.1m) <= window.SpentCents);
        }
    }

    [Fact]
    public async Task LimitSetThroughOneSilo_IsEnforcedAtOnceByReservationsThroughEverySilo()
    {
        // The domain clock stands still, so no silo's policy cache ever refreshes on its own.
        await using var cluster = await TestCluster.StartAsync(3, new ManualTimeProvider(TestNode.Start));
        var nodes = new[] { cluster["node-1"], cluster["node-2"], cluster["node-3"] };
        static ReservationRequest Request(string key, decimal amount) => new() { Chain = ["team:late"], AmountCents = amount, IdempotencyKey = key };

        // Every silo has reserved on the scope while it had no limit (and read the policies then)...
        foreach (var (node, i) in nodes.Select((n, i) => (n, i)))
        {
            var warm = await node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey).ReserveAsync(Request($"warm-{i}", 0m), Ct);
            Assert.True(warm.Approved);
        }

        // ...then a limit is set through one silo, and 2¢ is asked through each: only two fit under 5¢.
        await nodes[0].SetDailyLimitAsync("team:late", 5m);
        var outcomes = new List<ReservationOutcome>();
        foreach (var (node, i) in nodes.Select((n, i) => (n, i)))
        {
            outcomes.Add(await node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey).ReserveAsync(Request($"after-{i}", 2m), Ct));
        }

        Assert.Equal([true, true, false], outcomes.Select(o => o.Approved));
        Assert.Equal(4m, (await nodes[2].BudgetAsync("team:late")).Windows[0].ReservedCents);
    }
}
