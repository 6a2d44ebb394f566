using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;
using CostOrchestrator.Grains.Hosting;

namespace CostOrchestrator.Grains.Tests.Budget;

public sealed class ReservationProtocolTests
{
    private static ReservationRequest Request(decimal amount, string key, params string[] chain) =>
        new() { Chain = chain.Length == 0 ? ["global", "team:media"] : chain, AmountCents = amount, IdempotencyKey = key };

    [Fact]
    public async Task Reserve_ChainWithOneFullScope_ReservesNothingAnywhere()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.SetDailyLimitAsync("global", 100m);
        await node.SetDailyLimitAsync("team:media", 5m);
        var governor = node.Grains.GetGrain<IBudgetGovernorGrain>("team:media");
        var reservations = node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);

        var outcome = await reservations.ReserveAsync(Request(6m, "k1"), ct);

        Assert.False(outcome.Approved);
        Assert.Equal("team:media", outcome.Denial!.Scope);
        Assert.Equal(WindowKind.Day, outcome.Denial.Window);
        Assert.Equal(5m, outcome.Denial.LimitCents);
        Assert.Equal(0m, (await node.BudgetAsync("global")).Windows[0].ReservedCents);
        Assert.Equal(0m, (await node.BudgetAsync("team:media")).Windows[0].ReservedCents);
    }

    [Fact]
    public async Task ReserveCommitRelease_AreIdempotent()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.SetDailyLimitAsync("global", 100m);
        var governor = node.Grains.GetGrain<IBudgetGovernorGrain>("global");
        var reservations = node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);

        var first = await reservations.ReserveAsync(Request(10m, "same-key", "global"), ct);
        var again = await reservations.ReserveAsync(Request(10m, "same-key", "global"), ct);
        Assert.Equal(first.Reservation!.ReservationId, again.Reservation!.ReservationId);
        Assert.Equal(10m, (await node.BudgetAsync("global")).Windows[0].ReservedCents);

        await reservations.CommitAsync(first.Reservation.ReservationId, 7.5m, cancellationToken: ct);
        var twice = await reservations.CommitAsync(first.Reservation.ReservationId, 9m, cancellationToken: ct);
        var released = await reservations.ReleaseAsync(first.Reservation.ReservationId, ct);

        Assert.Equal(7.5m, twice!.ActualCents);
        Assert.Equal(ReservationState.Committed, released!.State);
        var window = (await node.BudgetAsync("global")).Windows[0];
        Assert.Equal(7.5m, window.SpentCents);
        Assert.Equal(0m, window.ReservedCents);
        Assert.Single(await node.Store.GetLedgerAsync(new LedgerQuery(), ct));
    }

    [Fact]
    public async Task Release_GivesTheHeadroomBackAndChargesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.SetDailyLimitAsync("global", 10m);
        var governor = node.Grains.GetGrain<IBudgetGovernorGrain>("global");
        var reservations = node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);

        var held = await reservations.ReserveAsync(Request(8m, "a", "global"), ct);
        var blocked = await reservations.ReserveAsync(Request(8m, "b", "global"), ct);
        await reservations.ReleaseAsync(held.Reservation!.ReservationId, ct);
        var fits = await reservations.ReserveAsync(Request(8m, "c", "global"), ct);

        Assert.False(blocked.Approved);
        Assert.True(fits.Approved);
        Assert.Empty(await node.Store.GetLedgerAsync(new LedgerQuery(), ct));
    }

    [Fact]
    public async Task SettleExpired_KeepsTheReservationAsSpentFlaggedUnreconciled_ThenALateCommitReconciles()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(TestNode.Start);
        await using var node = await TestNode.StartAsync(dir.Path, clock, cancellationToken: ct);
        await node.SetDailyLimitAsync("global", 100m);
        var governor = node.Grains.GetGrain<IBudgetGovernorGrain>("global");
        var reservations = node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
        var held = await reservations.ReserveAsync(Request(12m, "crashed", "global") with { Ttl = TimeSpan.FromMinutes(5) }, ct);

        clock.Advance(TimeSpan.FromMinutes(6));
        var settled = await node.SettleExpiredAsync(ct);

        Assert.Equal(held.Reservation!.ReservationId, Assert.Single(settled).ReservationId);
        var window = (await node.BudgetAsync("global")).Windows[0];
        Assert.Equal(12m, window.SpentCents);
        Assert.Equal(0m, window.ReservedCents);
        Assert.True(Assert.Single(await node.Store.GetLedgerAsync(new LedgerQuery(), ct)).Unreconciled);

        await reservations.CommitAsync(held.Reservation.ReservationId, 4m, cancellationToken: ct);
        Assert.Equal(4m, (await node.BudgetAsync("global")).Windows[0].SpentCents);
        var entry = Assert.Single(await node.Store.GetLedgerAsync(new LedgerQuery(), ct));
        Assert.False(entry.Unreconciled);
        Assert.Equal(4m, entry.ActualCents);
    }

    [Fact]
    public async Task SetPolicy_InvalidValues_AreRefusedAndChangeNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.SetDailyLimitAsync("global", 100m);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => node.SetDailyLimitAsync("global", -5m));

        Assert.Contains("windows[0].limit_cents: must be a number of cents from 0", error.Message, StringComparison.Ordinal);
        Assert.Equal(100m, (await node.BudgetAsync("global")).Windows[0].LimitCents);
    }
}
