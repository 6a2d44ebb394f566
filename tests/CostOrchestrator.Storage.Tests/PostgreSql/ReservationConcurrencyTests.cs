using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Storage.Tests.PostgreSql;

public sealed class ReservationConcurrencyTests(PostgreSqlSchemaFixture fixture) : IClassFixture<PostgreSqlSchemaFixture>
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_day = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReserveAsync_ThirtyTwoConcurrentMixedSizesOnTwoNodes_NeverExceedsLimitAndSpendMatchesApproved()
    {
        var nodes = new[] { await fixture.StoreAsync(), await fixture.NodeAsync() };
        var team = "team:" + Guid.NewGuid().ToString("N");
        var global = "global:" + Guid.NewGuid().ToString("N");
        const decimal TeamLimit = 1000m;
        const decimal GlobalLimit = 1500m;

        // Mixed sizes with micro-cent fractions; together far more than the limit, so many must be refused.
        var amounts = Enumerable.Range(0, 32).Select(i => (i % 7 + 1) * 23.456789m).ToArray();
        var outcomes = await Concurrently.RunAsync(amounts.Length, i =>
        {
            var targets = new List<ReservationTarget>
            {
                new() { Scope = team, Window = WindowKind.Day, WindowStart = s_day, LimitCents = TeamLimit },
                new() { Scope = global, Window = WindowKind.Total, WindowStart = DateTimeOffset.UnixEpoch, LimitCents = GlobalLimit },
            };

            // Callers list targets in any order; the store locks them in one order, so this cannot deadlock.
            if (i % 2 == 1)
            {
                targets.Reverse();
            }

            return nodes[i % 2].ReserveAsync(Reservation($"res_{team}_{i}", $"key_{team}_{i}", amounts[i], [.. targets]), TestContext.Current.CancellationToken);
        });

        var approved = outcomes.Select((o, i) => (o, i)).Where(x => x.o.Approved).Sum(x => amounts[x.i]);
        Assert.Contains(outcomes, o => o.Approved);
        Assert.Contains(outcomes, o => !o.Approved);
        Assert.True(approved <= TeamLimit, $"approved {approved} over the limit {TeamLimit}");
        var spend = await nodes[0].GetSpendAsync(
            [new SpendKey(team, WindowKind.Day, s_day), new SpendKey(global, WindowKind.Total, DateTimeOffset.UnixEpoch)], TestContext.Current.CancellationToken);
        Assert.All(spend, row =>
        {
            Assert.Equal(0m, row.ChargedCents);
            Assert.Equal(approved, row.ReservedCents);
        });
        Assert.All(outcomes.Where(o => !o.Approved), o =>
        {
            Assert.Equal(team, o.Denial!.Scope);
            Assert.True(o.Denial.SpentCents + o.Denial.ReservedCents + o.Denial.RequestedCents > o.Denial.LimitCents);
        });

        // Settling every approved reservation concurrently (half committed at a lower actual, half released) leaves exactly the actuals.
        var approvedIds = outcomes.Where(o => o.Approved).Select(o => o.Reservation!).ToArray();
        await Concurrently.RunAsync(approvedIds.Length, i => i % 2 == 0
            ? nodes[i % 2].CommitAsync(approvedIds[i].ReservationId, Cents.Round(approvedIds[i].AmountCents / 2), null, s_now, TestContext.Current.CancellationToken)
            : nodes[i % 2].ReleaseAsync(approvedIds[i].ReservationId, TestContext.Current.CancellationToken));
        var charged = approvedIds.Where((_, i) => i % 2 == 0).Sum(r => Cents.Round(r.AmountCents / 2));
        spend = await nodes[1].GetSpendAsync([new SpendKey(team, WindowKind.Day, s_day)], TestContext.Current.CancellationToken);
        Assert.Equal(charged, spend[0].ChargedCents);
        Assert.Equal(0m, spend[0].ReservedCents);
    }

    [Fact]
    public async Task ReserveAsync_SameIdempotencyKeyConcurrentlyOnTwoNodes_ReservesOnceAndAllGetTheWinner()
    {
        var nodes = new[] { await fixture.StoreAsync(), await fixture.NodeAsync() };
        var scope = "user:" + Guid.NewGuid().ToString("N");
        var target = new ReservationTarget { Scope = scope, Window = WindowKind.Total, WindowStart = DateTimeOffset.UnixEpoch, LimitCents = 100m };

        var outcomes = await Concurrently.RunAsync(16, i =>
            nodes[i % 2].ReserveAsync(Reservation($"res_{scope}_{i}", "same-key-" + scope, 10m, [target]), TestContext.Current.CancellationToken));

        Assert.All(outcomes, o => Assert.True(o.Approved));
        Assert.Single(outcomes.Select(o => o.Reservation!.ReservationId).Distinct());
        var spend = await nodes[0].GetSpendAsync([new SpendKey(scope, WindowKind.Total, DateTimeOffset.UnixEpoch)], TestContext.Current.CancellationToken);
        Assert.Equal(10m, spend[0].ReservedCents);
    }

    [Fact]
    public async Task CommitAsync_SameReservationConcurrentlyWithRelease_SettlesExactlyOnce()
    {
        var nodes = new[] { await fixture.StoreAsync(), await fixture.NodeAsync() };
        var scope = "run:" + Guid.NewGuid().ToString("N");
        var target = new ReservationTarget { Scope = scope, Window = WindowKind.Total, WindowStart = DateTimeOffset.UnixEpoch, LimitCents = 100m };
        var reserved = (await nodes[0].ReserveAsync(Reservation("res_" + scope, "key_" + scope, 40m, [target]), TestContext.Current.CancellationToken)).Reservation!;

        var results = await Concurrently.RunAsync(8, i => i % 2 == 0
            ? nodes[i % 2].CommitAsync(reserved.ReservationId, 25m, null, s_now, TestContext.Current.CancellationToken)
            : nodes[i % 2].ReleaseAsync(reserved.ReservationId, TestContext.Current.CancellationToken));

        // Whichever came first decided; every later call saw that state and changed nothing.
        var final = await nodes[1].GetReservationAsync(reserved.ReservationId, TestContext.Current.CancellationToken);
        Assert.All(results, r => Assert.Equal(final!.State, r!.State));
        var spend = (await nodes[0].GetSpendAsync([new SpendKey(scope, WindowKind.Total, DateTimeOffset.UnixEpoch)], TestContext.Current.CancellationToken))[0];
        Assert.Equal(0m, spend.ReservedCents);
        Assert.Equal(final!.State == ReservationState.Committed ? 25m : 0m, spend.ChargedCents);
        var ledger = await nodes[0].GetLedgerAsync(new LedgerQuery { Scope = scope }, TestContext.Current.CancellationToken);
        Assert.Equal(final.State == ReservationState.Committed ? 1 : 0, ledger.Count);
    }

    [Fact]
    public async Task ReserveAsync_IntoOverdraftHeadRoom_FlagsOverdraftAndDeniesBeyondIt()
    {
        var store = await fixture.StoreAsync();
        var scope = "org:" + Guid.NewGuid().ToString("N");
        var target = new ReservationTarget { Scope = scope, Window = WindowKind.Month, WindowStart = s_day, LimitCents = 10m, OverdraftCents = 5m };

        var within = await store.ReserveAsync(Reservation($"res_{scope}_a", $"key_{scope}_a", 8m, [target]), TestContext.Current.CancellationToken);
        var over = await store.ReserveAsync(Reservation($"res_{scope}_b", $"key_{scope}_b", 4m, [target]), TestContext.Current.CancellationToken);
        var beyond = await store.ReserveAsync(Reservation($"res_{scope}_c", $"key_{scope}_c", 3.000001m, [target]), TestContext.Current.CancellationToken);
        var free = await store.ReserveAsync(Reservation($"res_{scope}_d", $"key_{scope}_d", 0m, [target]), TestContext.Current.CancellationToken);

        Assert.False(within.Reservation!.Overdraft);
        Assert.True(over.Reservation!.Overdraft);
        Assert.Equal(new BudgetDenial { Scope = scope, Window = WindowKind.Month, SpentCents = 0m, ReservedCents = 12m, LimitCents = 15m, RequestedCents = 3.000001m },
            beyond.Denial);
        Assert.True(free.Approved);
        Assert.Equal(12m, (await store.GetSpendAsync([new SpendKey(scope, WindowKind.Month, s_day)], TestContext.Current.CancellationToken))[0].ReservedCents);
    }

    private static StoreReservation Reservation(string id, string key, decimal amount, ReservationTarget[] targets) => new()
    {
        ReservationId = id,
        IdempotencyKey = key,
        Chain = [.. targets.Select(t => t.Scope).Distinct()],
        AmountCents = amount,
        Targets = targets,
        CreatedAt = s_now,
        ExpiresAt = s_now.AddMinutes(5),
    };
}
