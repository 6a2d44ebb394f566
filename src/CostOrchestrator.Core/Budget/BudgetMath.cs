using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Core.Budget;

/// <summary>Status and head-room arithmetic shared by the governor, the router and the stores.</summary>
public static class BudgetMath
{
    /// <summary>(spent + reserved) / limit; a zero limit counts as fully consumed (free providers only).</summary>
    public static decimal PctConsumed(decimal spent, decimal reserved, decimal limit) =>
        limit <= 0 ? 1m : Math.Round((spent + reserved) / limit, 4, MidpointRounding.AwayFromZero);

    /// <summary>The status of a window from its consumption.</summary>
    public static BudgetStatus StatusOf(decimal pctConsumed, BudgetThresholds thresholds) =>
        pctConsumed >= thresholds.Exhausted ? BudgetStatus.Exhausted
        : pctConsumed >= thresholds.Constrained ? BudgetStatus.Constrained
        : pctConsumed >= thresholds.Warn ? BudgetStatus.Warn
        : BudgetStatus.Normal;

    /// <summary>The worse of two statuses.</summary>
    public static BudgetStatus Worst(BudgetStatus a, BudgetStatus b) => a >= b ? a : b;

    /// <summary>
    /// What a pending reservation still holds as reserved: its amount less what was charged against it so far. Only a
    /// budget slice is charged while pending (its calls, in batches); any other reservation has charged nothing until
    /// its commit. Charges above the amount (a provider billing over its worst case) leave nothing held, never less.
    /// </summary>
    public static decimal Outstanding(decimal amountCents, decimal chargedCents) => Math.Max(0m, amountCents - chargedCents);

    /// <summary>What may still be reserved in a window.</summary>
    public static decimal Headroom(WindowState window, decimal overdraft) =>
        Math.Max(0m, window.LimitCents + overdraft - window.SpentCents - window.ReservedCents);

    /// <summary>The state of one window.</summary>
    public static WindowState WindowStateOf(
        BudgetWindowLimit limit, DateTimeOffset windowStart, DateTimeOffset? resetsAt,
        decimal spent, decimal reserved, BudgetThresholds thresholds, DateTimeOffset now)
    {
        var pct = PctConsumed(spent, reserved, limit.LimitCents);
        var forecast = BudgetForecast.Of(windowStart, resetsAt, now, spent, reserved, limit.LimitCents);
        return new WindowState
        {
            Window = limit.Window,
            WindowStart = windowStart,
            ResetsAt = resetsAt,
            LimitCents = limit.LimitCents,
            SpentCents = spent,
            ReservedCents = reserved,
            PctConsumed = pct,
            Status = StatusOf(pct, thresholds),
            BurnRateCentsPerHour = forecast.BurnRateCentsPerHour,
            ProjectedCents = forecast.ProjectedCents,
            ExhaustsAt = forecast.ExhaustsAt,
        };
    }
}
