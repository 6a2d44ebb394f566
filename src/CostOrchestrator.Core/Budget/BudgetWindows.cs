using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Core.Budget;

/// <summary>
/// Calendar windows in a configured time zone. Spend is keyed by (scope, window, window start), so a new
/// window starts at zero by construction; these functions say which window an instant belongs to.
/// </summary>
public static class BudgetWindows
{
    /// <summary>The start of the <see cref="WindowKind.Total"/> window.</summary>
    public static DateTimeOffset TotalStart { get; } = DateTimeOffset.UnixEpoch;

    /// <summary>The start of the window containing <paramref name="now"/>, as a UTC instant.</summary>
    public static DateTimeOffset StartOf(WindowKind window, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (window == WindowKind.Total)
        {
            return TotalStart;
        }

        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var startLocal = window switch
        {
            WindowKind.Day => local.Date,
            WindowKind.Week => local.Date.AddDays(-(((int)local.DayOfWeek + 6) % 7)),
            WindowKind.Month => new DateTime(local.Year, local.Month, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
        };
        return ToInstant(startLocal, zone);
    }

    /// <summary>The next boundary after <paramref name="now"/>; null for <see cref="WindowKind.Total"/>.</summary>
    public static DateTimeOffset? NextBoundary(WindowKind window, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (window == WindowKind.Total)
        {
            return null;
        }

        var startLocal = TimeZoneInfo.ConvertTime(StartOf(window, now, zone), zone).DateTime;
        var nextLocal = window switch
        {
            WindowKind.Day => startLocal.AddDays(1),
            WindowKind.Week => startLocal.AddDays(7),
            _ => startLocal.AddMonths(1),
        };
        return ToInstant(nextLocal, zone);
    }

    private static DateTimeOffset ToInstant(DateTime localWallClock, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(localWallClock, DateTimeKind.Unspecified);

        // A midnight that does not exist (DST gap) starts the window at the first instant that does.
        while (zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddMinutes(30);
        }

        var offset = zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset).ToUniversalTime();
    }
}
