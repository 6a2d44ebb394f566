using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Core.Tests.Registry;

public sealed class QuotaAccountTests
{
    private static readonly DateTimeOffset _march10 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset _checkAt = _march10.AddMinutes(2);

    private static QuotaAccount Loaded(int used, params string[] pending)
    {
        var account = new QuotaAccount(TimeZoneInfo.Utc);
        account.Load(_march10, used, pending, _checkAt);
        return account;
    }

    [Fact]
    public void TryAdmit_UpToTheQuota_AdmitsThenRefusesWhileCallsAreInFlight()
    {
        var account = Loaded(used: 1);

        var decisions = Enumerable.Range(0, 4).Select(i => account.TryAdmit($"res_{i}", quota: 3, _checkAt)).ToList();

        Assert.Equal([true, true, false, false], decisions.Select(d => d.Admitted));
        Assert.Equal(new QuotaUsage { MonthStart = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), Used = 1, InFlight = 2 }, decisions[^1].Usage);
    }

    [Fact]
    public void Complete_FailedCallGivesItsRoomBack_SuccessfulOneIsAUse()
    {
        var account = Loaded(used: 0);
        account.TryAdmit("res_ok", quota: 2, _checkAt);
        account.TryAdmit("res_failed", quota: 2, _checkAt);

        account.Complete("res_failed", used: false);
        var usage = account.Complete("res_ok", used: true);

        Assert.Equal(1, usage.Used);
        Assert.Equal(0, usage.InFlight);
        Assert.True(account.TryAdmit("res_next", quota: 2, _checkAt).Admitted);
        Assert.False(account.TryAdmit("res_over", quota: 2, _checkAt).Admitted);
    }

    [Fact]
    public void Complete_CallNotInFlight_IsNotCountedTwice()
    {
        // Committed before this account loaded the month: the load's count already has it.
        var account = Loaded(used: 5);

        var usage = account.Complete("res_committed_before_load", used: true);

        Assert.Equal(5, usage.Used);
    }

    [Fact]
    public void TryAdmit_PendingReservationsFromTheStore_TakeRoomAndAreDecidedAgainstTheOthers()
    {
        // Two calls an earlier activation admitted are still pending, one of them asks again after the quota grain moved.
        var account = Loaded(used: 1, "res_a", "res_b");

        Assert.False(account.TryAdmit("res_new", quota: 3, _checkAt).Admitted);
        var again = account.TryAdmit("res_a", quota: 3, _checkAt);
        Assert.True(again.Admitted);
        Assert.Equal(2, again.Usage.InFlight);

        // A pending reservation refused is forgotten: its caller releases it.
        var refused = account.TryAdmit("res_b", quota: 2, _checkAt);
        Assert.False(refused.Admitted);
        Assert.Equal(1, refused.Usage.InFlight);
    }

    [Fact]
    public void NeedsLoad_AtTheMonthBoundaryOfTheZone_StartsTheNextMonth()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var account = new QuotaAccount(berlin);
        Assert.True(account.NeedsLoad(_march10));
        account.Load(_march10, used: 3, pending: [], _checkAt);

        // April starts at midnight in Berlin, 22:00 UTC on March 31 (summer time).
        Assert.False(account.NeedsLoad(new DateTimeOffset(2026, 3, 31, 21, 59, 59, TimeSpan.Zero)));
        Assert.True(account.NeedsLoad(new DateTimeOffset(2026, 3, 31, 22, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero), account.MonthStart);

        account.Load(new DateTimeOffset(2026, 3, 31, 22, 0, 0, TimeSpan.Zero), used: 0, pending: [], _checkAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 22, 0, 0, TimeSpan.Zero), account.Usage.MonthStart);
        Assert.Equal(0, account.Usage.Used);
    }

    [Fact]
    public void DueForCheck_OnlyCallsPastTheirCheckTime_AndCheckAgainAtPostponesThem()
    {
        var account = Loaded(used: 0, "res_loaded");
        account.TryAdmit("res_late", quota: 5, _checkAt.AddMinutes(5));

        Assert.Equal(["res_loaded"], account.DueForCheck(_checkAt));
        account.CheckAgainAt("res_loaded", _checkAt.AddMinutes(10));
        Assert.Empty(account.DueForCheck(_checkAt));
        Assert.Equal(["res_late"], account.DueForCheck(_checkAt.AddMinutes(5)));
    }

    [Fact]
    public void Of_OnlySubscriptionsHaveAQuota()
    {
        Assert.Equal(7, MonthlyQuota.Of(TestProviders.Subscription("storyblocks", "stock-search", monthlyQuota: 7)));
        Assert.Null(MonthlyQuota.Of(TestProviders.Subscription("unlimited", "stock-search")));
        Assert.Null(MonthlyQuota.Of(TestProviders.Fixed("shutterstock", "stock-search", 3m) with
        {
            CostModel = new CostModel { Kind = CostModelKind.PerInvocation, CentsPerInvocation = 3m, MonthlyQuota = 7 },
        }));
    }
}
