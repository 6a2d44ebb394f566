using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Storage.Tests.PostgreSql;

public sealed class ReservationConcurrencyTests(PostgreSqlSchemaFixture fixture) : IClassFixture<PostgreSqlSchemaFixture>
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_day = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReserveAsync_FencedWritesRacingANewEpochOnTwoNodes_EveryWriteIsInTheNewSnapshotOrRefused()
    {
        var nodes = new[] { await fixture.StoreAsync(), await fixture.NodeAsync() };
        var team = "team:" + Guid.NewGuid().ToString("N");
        var global = "global:" + Guid.NewGuid().ToString("N");
        var windows = new[] { new SpendKey(team, WindowKind.Day, s_day) };
        var epoch = (await nodes[0].ClaimGovernorAsync(team, windows, TestContext.Current.CancellationToken)).Epoch;
        var amounts = Enumerable.Range(0, 32).Select(i => (i % 7 + 1) * 23.456789m).ToArray();

        // 32 writes under the old epoch on two nodes, and a new activation claiming the scope in their midst.
        var claim = new TaskCompletionSource<GovernorSnapshot>();
        var results = await Concurrently.RunAsync(amounts.Length + 1, async i =>
        {
            if (i == amounts.Length / 2)
            {
                claim.SetResult(await nodes[1].ClaimGovernorAsync(team, windows, TestContext.Current.CancellationToken));
            }

            if (i == amounts.Length)
            {
                return null;
            }

            var targets = new List<ReservationTarget>
            {
                new() { Scope = team, Window = WindowKind.Day, WindowStart = s_day },
                new() { Scope = global, Window = WindowKind.Total, WindowStart = DateTimeOffset.UnixEpoch },
            };

            // Callers list targets in any order; the store locks them in one order, so this cannot deadlock.
            if (i % 2 == 1)
            {
                targets.Reverse();
            }

            return await nodes[i % 2].ReserveAsync(Reservation($"res_{team}_{i}", $"key_{team}_{i}", amounts[i], [.. targets]) with { Fences = [new GovernorFence(team, epoch)] },
                TestContext.Current.CancellationToken);
        });
        var snapshot = await claim.Task;

        // Whatever was written under the old epoch is in the new activation's snapshot, and nothing landed after it.
        var written = results.Where(r => r?.Reservation is not null).Select(r => r!.Reservation!).ToList();
        Assert.All(results.Where(r => r is not null && r.Reservation is null), r => Assert.Equal(team, r!.FencedScope));
        Assert.Equal(written.Select(r => r.ReservationId).Order(), snapshot.Holds.Select(h => h.ReservationId).Order());
        Assert.Equal(written.Sum(r => r.AmountCents), Assert.Single(snapshot.Spend).ReservedCents);
        var spend = await nodes[0].GetSpendAsync([windows[0], new SpendKey(global, WindowKind.Total, DateTimeOffset.UnixEpoch)], TestContext.Current.CancellationToken);
        Assert.All(spend, row => Assert.Equal(written.Sum(r => r.AmountCents), row.ReservedCents));

        // Settling every written reservation concurrently (half committed at a lower actual, half released) leaves exactly the actuals.
        await Concurrently.RunAsync(written.Count, i => i % 2 == 0
            ? nodes[i % 2].CommitAsync(written[i].ReservationId, Cents.Round(written[i].AmountCents / 2), null, s_now, null, TestContext.Current.CancellationToken)
            : nodes[i % 2].ReleaseAsync(written[i].ReservationId, TestContext.Current.CancellationToken));
        var charged = written.Where((_, i) => i % 2 == 0).Sum(r => Cents.Round(r.AmountCents / 2));
        spend = await nodes[1].GetSpendAsync([windows[0]], TestContext.Current.CancellationToken);
        Assert.Equal(charged, spend[0].ChargedCents);
        Assert.Equal(0m, spend[0].ReservedCents);
    }

    [Fact]
    public async Task ReserveAsync_SameIdempotencyKeyConcurrentlyOnTwoNodes_ReservesOnceAndAllGetTheWinner()
    {
        var nodes = new[] { await fixture.StoreAsync(), await fixture.NodeAsync() };
        var scope = "user:" + Guid.NewGuid().ToString("N");
        var target = new ReservationTarget { Scope = scope, Window = WindowKind.Total, WindowStart = DateTimeOffset.UnixEpoch };

        var outcomes = await Concurrently.RunAsync(16, i =>
            nodes[i % 2].ReserveAsync(Reservation($"res_{scope}_{i}", "same-key-" + scope, 10m, [target]), TestContext.Current.CancellationToken));

        Assert.All(outcomes, o => Assert.NotNull(o.Reservation));
        Assert.Single(outcomes.Select(o => o.Reservation!.ReservationId).Distinct());
        var spend = await nodes[0].GetSpendAsync([new SpendKey(scope, WindowKind.Total, DateTimeOffset.UnixEpoch)], TestContext.Current.CancellationToken);
        Assert.Equal(10m, spend[0].ReservedCents);
    }

    [Fact]
    public async Task CommitAsync_SameReservationConcurrentlyWithRelease_SettlesExactlyOnce()
    {
        var nodes = new[] { await fixture.StoreAsync(), await fixture.NodeAsync() };
        var scope = "run:" + Guid.NewGuid().ToString("N");
        var target = new ReservationTarget { Scope = scope, Window = WindowKind.Total, WindowStart = DateTimeOffset.UnixEpoch };
        var reserved = (await nodes[0].ReserveAsync(Reservation("res_" + scope, "key_" + scope, 40m, [target]), TestContext.Current.CancellationToken)).Reservation!;

        var results = await Concurrently.RunAsync(8, i => i % 2 == 0
            ? nodes[i % 2].CommitAsync(reserved.ReservationId, 25m, null, s_now, null, TestContext.Current.CancellationToken)
            : nodes[i % 2].ReleaseAsync(reserved.ReservationId, TestContext.Current.CancellationToken));

        // Whichever came first decided; every later call saw that state and changed nothing.
        var final = await nodes[1].GetReservationAsync(reserved.ReservationId, TestContext.Current.CancellationToken);
        Assert.All(results, r => Assert.Equal(final!.State, r.Reservation!.State));
        Assert.Single(results, r => r.Applied);
        var spend = (await nodes[0].GetSpendAsync([new SpendKey(scope, WindowKind.Total, DateTimeOffset.UnixEpoch)], TestContext.Current.CancellationToken))[0];
        Assert.Equal(0m, spend.ReservedCents);
        Assert.Equal(final!.State == ReservationState.Committed ? 25m : 0m, spend.ChargedCents);
        var ledger = await nodes[0].GetLedgerAsync(new LedgerQuery { Scope = scope }, TestContext.Current.CancellationToken);
        Assert.Equal(final.State == ReservationState.Committed ? 1 : 0, ledger.Count);
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
