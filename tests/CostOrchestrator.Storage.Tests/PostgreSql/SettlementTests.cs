using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Storage.Tests.PostgreSql;

public sealed class SettlementTests(PostgreSqlSchemaFixture fixture) : IClassFixture<PostgreSqlSchemaFixture>
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CommitAsync_AfterSettleExpired_ReconcilesChargedToTheActualExactly()
    {
        var store = await fixture.StoreAsync();
        var scope = "project:" + Guid.NewGuid().ToString("N");
        var key = new SpendKey(scope, WindowKind.Total, DateTimeOffset.UnixEpoch);
        await store.ReserveAsync(Reservation(scope, "before", 1.5m), TestContext.Current.CancellationToken);
        var reserved = (await store.ReserveAsync(Reservation(scope, "expiring", 12.345678m), TestContext.Current.CancellationToken)).Reservation!;

        var settled = await store.SettleExpiredAsync(s_now.AddMinutes(6), TestContext.Current.CancellationToken);

        Assert.Equal(2, settled.Count(r => r.Chain.Contains(scope)));
        Assert.All(settled, r => Assert.Equal(ReservationState.Unreconciled, r.State));
        var spend = (await store.GetSpendAsync([key], TestContext.Current.CancellationToken))[0];
        Assert.Equal(1.5m + 12.345678m, spend.ChargedCents);
        Assert.Equal(0m, spend.ReservedCents);

        var tokens = new TokenCounts { Input = 120, Output = 80 };
        var committed = await store.CommitAsync(reserved.ReservationId, 3.000001m, tokens, s_now.AddMinutes(7), null, TestContext.Current.CancellationToken);

        Assert.Equal(ReservationState.Committed, committed.Reservation!.State);
        Assert.Equal(3.000001m, committed.Reservation.ActualCents);
        Assert.Equal((true, true), (committed.Applied, committed.Reconciled));
        spend = (await store.GetSpendAsync([key], TestContext.Current.CancellationToken))[0];
        Assert.Equal(1.5m + 3.000001m, spend.ChargedCents);
        Assert.Equal(0m, spend.ReservedCents);
        var entry = Assert.Single(await store.GetLedgerAsync(new LedgerQuery { Scope = scope }, TestContext.Current.CancellationToken),
            e => e.ReservationId == reserved.ReservationId);
        Assert.Equal(3.000001m, entry.ActualCents);
        Assert.Equal(12.345678m, entry.EstimatedCents);
        Assert.False(entry.Unreconciled);
        Assert.Equal(tokens, entry.Tokens);

        // A repeated commit changes nothing.
        Assert.False((await store.CommitAsync(reserved.ReservationId, 9m, null, s_now.AddMinutes(8), null, TestContext.Current.CancellationToken)).Applied);
        Assert.Equal(1.5m + 3.000001m, (await store.GetSpendAsync([key], TestContext.Current.CancellationToken))[0].ChargedCents);
    }

    [Fact]
    public async Task SettleExpiredAsync_TwoNodesAtOnce_SettleEachReservationOnce()
    {
        var nodes = new[] { await fixture.StoreAsync(), await fixture.NodeAsync() };
        var scope = "team:" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 20; i++)
        {
            await nodes[0].ReserveAsync(Reservation(scope, $"r{i}", 2m), TestContext.Current.CancellationToken);
        }

        var results = await Concurrently.RunAsync(2, i => nodes[i].SettleExpiredAsync(s_now.AddMinutes(6), TestContext.Current.CancellationToken));

        var ours = results.SelectMany(r => r).Where(r => r.Chain.Contains(scope)).Select(r => r.ReservationId).ToList();
        Assert.Equal(20, ours.Count);
        Assert.Equal(20, ours.Distinct().Count());
        var spend = (await nodes[1].GetSpendAsync([new SpendKey(scope, WindowKind.Total, DateTimeOffset.UnixEpoch)], TestContext.Current.CancellationToken))[0];
        Assert.Equal(40m, spend.ChargedCents);
        Assert.Equal(0m, spend.ReservedCents);
        Assert.Equal(20, (await nodes[1].GetLedgerAsync(new LedgerQuery { Scope = scope }, TestContext.Current.CancellationToken)).Count(e => e.Unreconciled));
    }

    private static StoreReservation Reservation(string scope, string name, decimal amount) => new()
    {
        ReservationId = $"res_{scope}_{name}",
        IdempotencyKey = $"key_{scope}_{name}",
        Chain = [scope],
        AmountCents = amount,
        Targets = [new ReservationTarget { Scope = scope, Window = WindowKind.Total, WindowStart = DateTimeOffset.UnixEpoch }],
        CreatedAt = s_now,
        ExpiresAt = s_now.AddMinutes(5),
    };
}
