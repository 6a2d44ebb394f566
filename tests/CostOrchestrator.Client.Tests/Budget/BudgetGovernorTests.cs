using System.Net;
using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Client.Tests.Budget;

public sealed class BudgetGovernorTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task ReserveCommitRelease_ExactDecimals_RoundTripThroughTheGovernor()
    {
        var ct = TestContext.Current.CancellationToken;
        var scope = NewScope("team");
        var governor = node.Admin.GetGrain<IBudgetGovernorGrain>(scope);
        var reservations = node.Admin.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
        await governor.SetPolicyAsync(DayLimit(scope, 10m), ct);

        var reserved = await reservations.ReserveAsync(Request(scope, 1.234567m, "commit-me"), ct);
        Assert.True(reserved.Approved);
        Assert.Equal(1.234567m, reserved.Reservation!.AmountCents);
        Assert.Equal(ReservationState.Pending, reserved.Reservation.State);
        Assert.Equal(1.234567m, Day(await governor.GetBudgetAsync(ct)).ReservedCents);

        // The same idempotency key is the same reservation, not a second hold.
        var again = await reservations.ReserveAsync(Request(scope, 1.234567m, "commit-me"), ct);
        Assert.Equal(reserved.Reservation.ReservationId, again.Reservation!.ReservationId);

        var committed = await reservations.CommitAsync(reserved.Reservation.ReservationId, 1.000001m, new TokenCounts { Input = 12, Output = 3 }, ct);
        Assert.Equal(ReservationState.Committed, committed!.State);
        Assert.Equal(1.000001m, committed.ActualCents);
        var afterCommit = Day(await governor.GetBudgetAsync(ct));
        Assert.Equal(1.000001m, afterCommit.SpentCents);
        Assert.Equal(0m, afterCommit.ReservedCents);

        var held = await reservations.ReserveAsync(Request(scope, 2.5m, "release-me"), ct);
        Assert.Equal(2.5m, Day(await governor.GetBudgetAsync(ct)).ReservedCents);
        var released = await reservations.ReleaseAsync(held.Reservation!.ReservationId, ct);
        Assert.Equal(ReservationState.Released, released!.State);
        var afterRelease = Day(await governor.GetBudgetAsync(ct));
        Assert.Equal(1.000001m, afterRelease.SpentCents);
        Assert.Equal(0m, afterRelease.ReservedCents);
    }

    [Fact]
    public async Task ReserveAsync_OverTheLimit_ReturnsDenialNamingTheScope()
    {
        var ct = TestContext.Current.CancellationToken;
        var scope = NewScope("team");
        var governor = node.Admin.GetGrain<IBudgetGovernorGrain>(scope);
        var reservations = node.Admin.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
        await governor.SetPolicyAsync(DayLimit(scope, 1m), ct);

        var outcome = await reservations.ReserveAsync(Request(scope, 5.5m, "too-much"), ct);

        Assert.False(outcome.Approved);
        var denial = Assert.IsType<BudgetDenial>(outcome.Denial);
        Assert.Equal(scope, denial.Scope);
        Assert.Equal(WindowKind.Day, denial.Window);
        Assert.Equal(1m, denial.LimitCents);
        Assert.Equal(5.5m, denial.RequestedCents);
        Assert.Equal(0m, denial.SpentCents + denial.ReservedCents);
        Assert.Equal(0m, Day(await governor.GetBudgetAsync(ct)).ReservedCents);
    }

    [Fact]
    public async Task ReserveAsync_InvalidScopeInChain_ThrowsInvalidRequestNamingTheChainElement()
    {
        var governor = node.Admin.GetGrain<IBudgetGovernorGrain>("global");
        var reservations = node.Admin.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() =>
            reservations.ReserveAsync(new ReservationRequest { Chain = ["global", "no scope"], AmountCents = 1m, IdempotencyKey = "bad" }, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        Assert.Equal("invalid_request", ex.Code);
        Assert.Equal("chain[1]", ex.Field);
    }

    [Fact]
    public async Task CommitAsync_UnknownReservation_ReturnsNull()
    {
        var governor = node.Admin.GetGrain<IBudgetGovernorGrain>("global");
        var reservations = node.Admin.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);

        Assert.Null(await reservations.CommitAsync("res_does_not_exist", 1m, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SetPolicyAsync_PolicyOfAnotherScope_ThrowsArgumentException()
    {
        var governor = node.Admin.GetGrain<IBudgetGovernorGrain>("team:one");

        await Assert.ThrowsAsync<ArgumentException>(() => governor.SetPolicyAsync(DayLimit("team:two", 1m), TestContext.Current.CancellationToken));
    }

    private static string NewScope(string kind) => $"{kind}:client-{Guid.NewGuid():N}";

    private static BudgetPolicy DayLimit(string scope, decimal cents) =>
        new() { Scope = scope, Windows = [new BudgetWindowLimit { Window = WindowKind.Day, LimitCents = cents }] };

    private static ReservationRequest Request(string scope, decimal cents, string key) =>
        new() { Chain = ["global", scope], AmountCents = cents, IdempotencyKey = $"{scope}/{key}", Attribution = new ChargeAttribution { Capability = "client-test" } };

    private static WindowState Day(ScopeBudget budget) => Assert.Single(budget.Windows, w => w.Window == WindowKind.Day);
}
