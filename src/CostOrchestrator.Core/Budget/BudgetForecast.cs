namespace CostOrchestrator.Core.Budget;

/// <summary>A window's burn rate and where it ends up at that rate.</summary>
/// <param name="BurnRateCentsPerHour">What was committed in the window so far, per hour of the window elapsed.</param>
/// <param name="ProjectedCents">Spent and reserved now plus the burn rate over what is left of the window (no end: spent + reserved).</param>
/// <param name="ExhaustsAt">When the limit is reached at that rate, if before the window ends (now when it already is).</param>
public readonly record struct BudgetForecast(decimal BurnRateCentsPerHour, decimal ProjectedCents, DateTimeOffset? ExhaustsAt)
{
    /// <summary>
    /// The shortest stretch a rate is taken over, as a fraction of the window: a window a minute old with one call
    /// in it would otherwise project that call over the whole day. A day's rate is over at least its first hour.
    /// </summary>
    public const int MinimumElapsedFraction = 24;

    /// <summary>Linear projection of a window from what it committed so far.</summary>
    public static BudgetForecast Of(DateTimeOffset windowStart, DateTimeOffset? windowEnd, DateTimeOffset now, decimal spent, decimal reserved, decimal limit)
    {
        var used = spent + reserved;
        if (windowEnd is not { } end || end <= windowStart)
        {
            // A lifetime window has no end to project to, and its age says nothing about a rate.
            return new BudgetForecast(0m, used, limit > 0m && used >= limit ? now : null);
        }

        var length = end - windowStart;
        var elapsed = now - windowStart;
        var floor = TimeSpan.FromTicks(length.Ticks / MinimumElapsedFraction);
        var hours = (decimal)(elapsed < floor ? floor : elapsed).TotalHours;
        var rate = hours > 0m ? spent / hours : 0m;
        var left = (decimal)Math.Max(0d, (end - now).TotalHours);
        var projected = Math.Round(used + rate * left, 6, MidpointRounding.AwayFromZero);

        DateTimeOffset? exhausts = null;
        if (limit > 0m && used >= limit)
        {
            exhausts = now;
        }
        else if (limit > 0m && rate > 0m && (limit - used) / rate < left)
        {
            // Compared in hours first: at a slow rate the time to the limit can be far beyond what a TimeSpan holds.
            exhausts = now + TimeSpan.FromHours((double)((limit - used) / rate));
        }

        return new BudgetForecast(Math.Round(rate, 6, MidpointRounding.AwayFromZero), projected, exhausts);
    }
}
