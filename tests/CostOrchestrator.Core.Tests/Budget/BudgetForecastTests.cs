using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Core.Tests.Budget;

public sealed class BudgetForecastTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NextMidnight = Midnight.AddDays(1);

    [Fact]
    public void ABurnRateThatCrossesTheLimit_ProjectsAboveIt_AndSaysWhenItRunsOut()
    {
        var forecast = BudgetForecast.Of(Midnight, NextMidnight, Midnight.AddHours(6), spent: 60m, reserved: 0m, limit: 200m);

        Assert.Equal(10m, forecast.BurnRateCentsPerHour);
        Assert.Equal(240m, forecast.ProjectedCents); // 60 + 10/h × 18 h
        Assert.Equal(Midnight.AddHours(20), forecast.ExhaustsAt); // 140¢ of head-room at 10/h
    }

    [Fact]
    public void ASlowerRate_StaysBelowTheLimit_AndNeverRunsOutThisWindow()
    {
        var forecast = BudgetForecast.Of(Midnight, NextMidnight, Midnight.AddHours(12), spent: 60m, reserved: 0m, limit: 200m);

        Assert.Equal((5m, 120m), (forecast.BurnRateCentsPerHour, forecast.ProjectedCents));
        Assert.Null(forecast.ExhaustsAt);
    }

    [Fact]
    public void ReservationsCount_TowardsWhereTheWindowEndsAndWhenItRunsOut_ButNotTheRate()
    {
        var forecast = BudgetForecast.Of(Midnight, NextMidnight, Midnight.AddHours(6), spent: 60m, reserved: 40m, limit: 200m);

        Assert.Equal(10m, forecast.BurnRateCentsPerHour);
        Assert.Equal(280m, forecast.ProjectedCents);
        Assert.Equal(Midnight.AddHours(16), forecast.ExhaustsAt);
    }

    [Fact]
    public void EarlyInAWindow_TheRateIsTakenOverItsFirst24th_NotTheMinutesSoFar()
    {
        var forecast = BudgetForecast.Of(Midnight, NextMidnight, Midnight.AddMinutes(6), spent: 5m, reserved: 0m, limit: 1000m);

        Assert.Equal(5m, forecast.BurnRateCentsPerHour); // over one hour, not 6 minutes (that would be 50/h)
        Assert.Equal(124.5m, forecast.ProjectedCents); // 5 + 5/h × 23.9 h
    }

    [Fact]
    public void AnExhaustedWindow_RunsOutNow()
    {
        var now = Midnight.AddHours(3);

        Assert.Equal(now, BudgetForecast.Of(Midnight, NextMidnight, now, spent: 150m, reserved: 50m, limit: 200m).ExhaustsAt);
    }

    [Fact]
    public void ALifetimeWindow_HasNoRate_AndProjectsWhatIsUsed()
    {
        var forecast = BudgetForecast.Of(DateTimeOffset.UnixEpoch, null, Midnight, spent: 30m, reserved: 5m, limit: 100m);

        Assert.Equal(new BudgetForecast(0m, 35m, null), forecast);
    }

    [Fact]
    public void NothingSpent_NothingProjected()
    {
        Assert.Equal(new BudgetForecast(0m, 0m, null), BudgetForecast.Of(Midnight, NextMidnight, Midnight.AddHours(5), 0m, 0m, 200m));
    }

    [Fact]
    public void AVerySlowRate_NeverRunsOutThisWindow_WithoutOverflowing()
    {
        // A millionth of a cent in a day's first hour against a billion-dollar limit: ~10^17 hours to the limit.
        var forecast = BudgetForecast.Of(Midnight, NextMidnight, Midnight.AddHours(1), spent: 0.000001m, reserved: 0m, limit: 100_000_000_000m);

        Assert.Null(forecast.ExhaustsAt);
        Assert.Equal(0.000024m, forecast.ProjectedCents);
    }
}
