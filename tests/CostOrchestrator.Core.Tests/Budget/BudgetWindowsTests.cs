using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Core.Tests.Budget;

public sealed class BudgetWindowsTests
{
    private static readonly DateTimeOffset _wednesday = new(2026, 3, 11, 15, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(WindowKind.Day, "2026-03-11T00:00:00+00:00", "2026-03-12T00:00:00+00:00")]
    [InlineData(WindowKind.Week, "2026-03-09T00:00:00+00:00", "2026-03-16T00:00:00+00:00")]
    [InlineData(WindowKind.Month, "2026-03-01T00:00:00+00:00", "2026-04-01T00:00:00+00:00")]
    public void StartOf_Utc_AlignsToCalendar(WindowKind window, string start, string next)
    {
        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), BudgetWindows.StartOf(window, _wednesday, TimeZoneInfo.Utc));
        Assert.Equal(DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture), BudgetWindows.NextBoundary(window, _wednesday, TimeZoneInfo.Utc));
    }

    [Fact]
    public void StartOf_ConfiguredZone_UsesLocalMidnight()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var lateUtc = new DateTimeOffset(2026, 3, 11, 23, 30, 0, TimeSpan.Zero); // already 12 March in Berlin

        Assert.Equal(new DateTimeOffset(2026, 3, 11, 23, 0, 0, TimeSpan.Zero), BudgetWindows.StartOf(WindowKind.Day, lateUtc, berlin));
    }

    [Fact]
    public void NextBoundary_AcrossDaylightSavingChange_IsTheLocalMidnight()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var beforeChange = new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero); // DST starts 29 March

        var next = BudgetWindows.NextBoundary(WindowKind.Day, beforeChange, berlin)!.Value;
        var after = BudgetWindows.NextBoundary(WindowKind.Day, next, berlin)!.Value;

        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), next);
        Assert.Equal(TimeSpan.FromHours(23), after - next);
    }

    [Fact]
    public void Total_NeverResets()
    {
        Assert.Equal(BudgetWindows.TotalStart, BudgetWindows.StartOf(WindowKind.Total, _wednesday, TimeZoneInfo.Utc));
        Assert.Null(BudgetWindows.NextBoundary(WindowKind.Total, _wednesday, TimeZoneInfo.Utc));
    }

    [Theory]
    [InlineData(0, 0, 100, BudgetStatus.Normal)]
    [InlineData(79.99, 0, 100, BudgetStatus.Normal)]
    [InlineData(70, 10, 100, BudgetStatus.Warn)]
    [InlineData(90, 0, 100, BudgetStatus.Constrained)]
    [InlineData(97.99, 0, 100, BudgetStatus.Constrained)]
    [InlineData(98, 0, 100, BudgetStatus.Exhausted)]
    [InlineData(0, 0, 0, BudgetStatus.Exhausted)]
    public void StatusOf_SeedThresholds(double spent, double reserved, double limit, BudgetStatus expected)
    {
        var pct = BudgetMath.PctConsumed((decimal)spent, (decimal)reserved, (decimal)limit);
        Assert.Equal(expected, BudgetMath.StatusOf(pct, BudgetThresholds.Default));
    }
}
