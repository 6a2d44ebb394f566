namespace CostOrchestrator.Abstractions.Alerts;

/// <summary>The kinds of alert, as the API spells them.</summary>
public static class AlertKinds
{
    /// <summary>A scope's window crossed its warn threshold (80 % by default).</summary>
    public const string BudgetWarn = "budget_warn";

    /// <summary>A scope's window crossed its constrained threshold (90 %): routing is limited to free and local providers.</summary>
    public const string BudgetConstrained = "budget_constrained";

    /// <summary>A scope's window crossed its exhausted threshold (98 %); the alert names the capabilities and providers behind the spend.</summary>
    public const string BudgetExhausted = "budget_exhausted";

    /// <summary>At its burn rate the window ends above its limit.</summary>
    public const string BudgetForecastExceeded = "budget_forecast_exceeded";

    /// <summary>A pipeline's latest run cost more than its anomaly factor times the pipeline's rolling average.</summary>
    public const string RunCostAnomaly = "run_cost_anomaly";

    /// <summary>A recurring pipeline's cache hit ratio over its recent runs is below the floor (50 %).</summary>
    public const string CacheHitRatioLow = "cache_hit_ratio_low";

    /// <summary>A provider billed more than its drift tolerance (10 %) away from what its registry price says.</summary>
    public const string ProviderPriceDrift = "provider_price_drift";

    /// <summary>A provider's price was not updated for longer than the staleness limit (30 days).</summary>
    public const string PriceStale = "price_stale";

    /// <summary>A provider is down.</summary>
    public const string ProviderDown = "provider_down";

    /// <summary>Every kind.</summary>
    public static readonly IReadOnlyList<string> All =
        [BudgetWarn, BudgetConstrained, BudgetExhausted, BudgetForecastExceeded, RunCostAnomaly, CacheHitRatioLow, ProviderPriceDrift, PriceStale, ProviderDown];
}
