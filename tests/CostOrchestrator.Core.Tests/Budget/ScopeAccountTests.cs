using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Core.Tests.Budget;

public sealed class ScopeAccountTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Month = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static ScopeAccount Account(decimal day, decimal month = 1_000m, decimal overdraft = 0m) => new("team:a", new BudgetPolicy
    {
        Scope = "team:a",
        Windows = [new BudgetWindowLimit { Window = WindowKind.Day, LimitCents = day }, new BudgetWindowLimit { Window = WindowKind.Month, LimitCents = month }],
        OverdraftCents = overdraft,
    }, TimeZoneInfo.Utc);

    private static HoldOutcome Hold(ScopeAccount account, string id, decimal amount, bool mayOverdraw = false) =>
        account.TryHold(id, amount, mayOverdraw, Now, Now.AddMinutes(15), Now.AddMinutes(2));

    [Fact]
    public void TryHold_FitsInEveryWindowOrNone_AndNamesTheWindowAtFault()
    {
        var account = Account(day: 100m, month: 10m);
        account.LoadWindow(WindowKind.Month, Month, chargedCents: 3m, reservedCents: 2m);

        var held = Hold(account, "r1", 4m);
        var denied = Hold(account, "r2", 2m);

        Assert.Equal([new HeldWindow { Window = WindowKind.Day, WindowStart = Day }, new HeldWindow { Window = WindowKind.Month, WindowStart = Month }], held.Windows);
        Assert.Equal(new BudgetDenial { Scope = "team:a", Window = WindowKind.Month, SpentCents = 3m, ReservedCents = 6m, LimitCents = 10m, RequestedCents = 2m }, denied.Denial);
        Assert.Equal((0m, 4m), account.TotalsOf(WindowKind.Day, Day)); // the refused hold took nothing, not even in the day window that had room
        Assert.Equal(1, account.HoldCount);
    }

    [Fact]
    public void TryHold_ExactlyTheLimitFits_OneMicroCentMoreDoesNot_ZeroAlwaysFits()
    {
        var account = Account(day: 10m);

        Assert.Null(Hold(account, "r1", 10m).Denial);
        Assert.NotNull(Hold(account, "r2", 0.000001m).Denial);
        Assert.Null(Hold(account, "free", 0m).Denial);
        Assert.Null(Account(day: 0m).TryHold("free", 0m, false, Now, Now, Now).Denial);
    }

    [Fact]
    public void TryHold_Overdraft_OnlyForThoseAllowed_AndFlaggedWhenUsed()
    {
        var account = Account(day: 10m, overdraft: 5m);

        Assert.False(Hold(account, "within", 8m, mayOverdraw: true).Overdraft);
        Assert.Equal(10m, Hold(account, "normal", 4m).Denial!.LimitCents);
        Assert.True(Hold(account, "over", 4m, mayOverdraw: true).Overdraft);
        Assert.Equal(15m, Hold(account, "beyond", 3.000001m, mayOverdraw: true).Denial!.LimitCents);
    }

    [Fact]
    public void ReleaseAndCharge_CountOncePerHold_AndIgnoreHoldsNeverCounted()
    {
        var account = Account(day: 100m);
        Hold(account, "r1", 8m);
        Hold(account, "r2", 5m);

        Assert.True(account.Charge("r1", 3m));
        Assert.False(account.Charge("r1", 3m));
        Assert.True(account.Release("r2"));
        Assert.False(account.Release("r2"));
        Assert.False(account.Charge("loaded-after-its-commit", 9m));

        Assert.Equal((3m, 0m), account.TotalsOf(WindowKind.Day, Day));
        Assert.Equal((3m, 0m), account.TotalsOf(WindowKind.Month, Month));
    }

    [Fact]
    public void LoadedHolds_AreSettledAgainstTheLoadedTotals()
    {
        var account = Account(day: 100m);
        account.LoadWindow(WindowKind.Day, Day, chargedCents: 1m, reservedCents: 7m);
        account.LoadHold("r1", 7m, Now.AddMinutes(1), [new HeldWindow { Window = WindowKind.Day, WindowStart = Day }]);

        account.Charge("r1", 2m);

        Assert.Equal((3m, 0m), account.TotalsOf(WindowKind.Day, Day));
    }

    [Fact]
    public void DueForCheck_TentativeByWallClock_ExpiredByTheDomainClock()
    {
        var account = Account(day: 100m);
        Hold(account, "tentative", 1m);
        Hold(account, "confirmed", 1m);
        account.Confirm("confirmed");

        Assert.Empty(account.DueForCheck(Now, wallNow: Now));
        Assert.Equal(["tentative"], account.DueForCheck(Now, wallNow: Now.AddMinutes(3)));
        Assert.Equal(["confirmed", "tentative"], account.DueForCheck(Now.AddMinutes(15), wallNow: Now).Order());
    }

    [Fact]
    public void Roll_NewDay_StartsTheDayAtZero_AndKeepsHoldsStillInTheMonth()
    {
        var account = Account(day: 10m, month: 100m);
        Hold(account, "yesterday", 10m);

        var tomorrow = Now.AddDays(1);
        account.Roll(tomorrow);
        var held = account.TryHold("today", 10m, false, tomorrow, tomorrow.AddMinutes(15), tomorrow);

        Assert.Null(held.Denial);
        Assert.Equal((0m, 20m), account.TotalsOf(WindowKind.Month, Month));
        Assert.True(account.Charge("yesterday", 1m)); // still counted in the month
        Assert.Equal((1m, 10m), account.TotalsOf(WindowKind.Month, Month));
    }

    [Fact]
    public void Unlimited_HoldsNothingAndRefusesNothing()
    {
        var account = new ScopeAccount("user:u1", policy: null, TimeZoneInfo.Utc);

        var held = account.TryHold("r1", 1_000_000m, false, Now, Now, Now);

        Assert.Null(held.Denial);
        Assert.Empty(held.Windows);
        Assert.Equal(0, account.HoldCount);
    }

    [Fact]
    public void ChargeSoFar_MovesOnlyTheNewPartFromReservedToCharged_LateOrRepeatedNoticesChangeNothing()
    {
        var account = Account(day: 100m);
        Hold(account, "lease", 20m);

        Assert.True(account.ChargeSoFar("lease", 3m));
        Assert.True(account.ChargeSoFar("lease", 7.5m));
        Assert.False(account.ChargeSoFar("lease", 7.5m)); // repeated
        Assert.False(account.ChargeSoFar("lease", 3m));   // late
        Assert.False(account.ChargeSoFar("unknown", 1m));

        Assert.Equal((7.5m, 12.5m), account.TotalsOf(WindowKind.Day, Day));
        Assert.Equal(80m, account.Headroom(Now));

        // Released: what it still held goes back; what its calls cost stays charged.
        Assert.True(account.Release("lease"));
        Assert.Equal((7.5m, 0m), account.TotalsOf(WindowKind.Day, Day));
    }

    [Fact]
    public void ChargeSoFar_AboveTheLeaseAmount_ChargesAllOfIt_AndHoldsNothingRatherThanLessThanNothing()
    {
        var account = Account(day: 100m);
        Hold(account, "lease", 10m);

        account.ChargeSoFar("lease", 12m); // its calls were billed above their worst cases

        Assert.Equal((12m, 0m), account.TotalsOf(WindowKind.Day, Day));
        Assert.True(account.Charge("lease", 0m)); // settled: nothing left to charge
        Assert.Equal((12m, 0m), account.TotalsOf(WindowKind.Day, Day));
    }

    [Fact]
    public void LoadHold_WithChargesSoFar_ThenSettled_ChargesOnlyWhatItStillHeld()
    {
        var account = Account(day: 100m);
        // As the store has it: a 20¢ lease charged 5¢ so far (charged 5, reserved 15).
        account.LoadWindow(WindowKind.Day, Day, chargedCents: 5m, reservedCents: 15m);
        account.LoadHold("lease", 20m, Now.AddMinutes(15), [new HeldWindow { Window = WindowKind.Day, WindowStart = Day }], chargedCents: 5m);

        Assert.False(account.ChargeSoFar("lease", 5m));
        account.Charge("lease", BudgetMath.Outstanding(20m, 5m)); // a dead silo's lease: what it held, charged

        Assert.Equal((20m, 0m), account.TotalsOf(WindowKind.Day, Day));
    }

    [Fact]
    public void Headroom_IsTheSmallestRoomOfAnyWindow_NullWhenUnlimited()
    {
        var account = Account(day: 100m, month: 50m);
        account.LoadWindow(WindowKind.Month, Month, chargedCents: 10m, reservedCents: 5m);
        Hold(account, "r", 4m);

        Assert.Equal(31m, account.Headroom(Now));
        Assert.Null(new ScopeAccount("team:b", null, TimeZoneInfo.Utc).Headroom(Now));
    }
}
