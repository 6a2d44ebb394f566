using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Core.Registry;

/// <summary>
/// A subscription provider's <c>monthly_quota</c>: the calls its plan includes per calendar month of the node's time zone
/// (the months budget windows use). A use is a successful call — its reservation committed, or settled as spent because
/// its outcome never came back; a cache hit is none. Past the quota the provider is not a candidate until the month ends.
/// </summary>
public static class MonthlyQuota
{
    /// <summary>How a routing decision names a provider dropped for its quota (the start of the drop reason).</summary>
    public const string ReachedReason = "monthly_quota reached";

    /// <summary>The provider's quota; null when it has none (not a subscription, or no <c>monthly_quota</c>: unlimited).</summary>
    public static int? Of(ProviderRecord provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.CostModel is { Kind: CostModelKind.Subscription, MonthlyQuota: { } quota } ? quota : null;
    }

    /// <summary>The start of the calendar month containing <paramref name="now"/> in <paramref name="zone"/>, as a UTC instant.</summary>
    public static DateTimeOffset MonthOf(DateTimeOffset now, TimeZoneInfo zone) => BudgetWindows.StartOf(WindowKind.Month, now, zone);

    /// <summary>The start of the month after the one containing <paramref name="now"/>.</summary>
    public static DateTimeOffset NextMonth(DateTimeOffset now, TimeZoneInfo zone) => BudgetWindows.NextBoundary(WindowKind.Month, now, zone)!.Value;

    /// <summary>True when one more call fits: the month's uses and the calls already in flight stay below the quota.</summary>
    public static bool HasRoom(int quota, QuotaUsage? usage) => (usage?.Used ?? 0) + (usage?.InFlight ?? 0) < quota;
}
