namespace CostOrchestrator.Grains.Diagnostics;

/// <summary>
/// The names a node publishes its telemetry under: one meter and one activity source, then every instrument and span.
/// Dashboards and alerts query these; the README lists them with their units and attributes.
/// </summary>
public static class TelemetryNames
{
    /// <summary>The meter and the activity source.</summary>
    public const string Source = "CostOrchestrator";

    /// <summary>Counter, cents charged to the ledger: commits' actual costs and settlements' reserved amounts.</summary>
    public const string Spend = "costorch.spend";

    /// <summary>Counter, cents a cache hit did not spend (what the cached answer cost when it was bought).</summary>
    public const string CacheSavings = "costorch.cache.savings";

    /// <summary>Counter, cache lookups by hit or miss.</summary>
    public const string CacheLookups = "costorch.cache.lookups";

    /// <summary>Counter, reservations by outcome (reserved, denied, committed, released, settled).</summary>
    public const string Reservations = "costorch.reservations";

    /// <summary>Histogram, seconds a reservation took across its chain (governors and the durable write).</summary>
    public const string ReservationDuration = "costorch.reservation.duration";

    /// <summary>Counter, routing decisions of invocations not served from the cache, by outcome and refusal reason.</summary>
    public const string RoutingDecisions = "costorch.routing.decisions";

    /// <summary>Histogram, seconds one provider call took (each attempt).</summary>
    public const string ProviderDuration = "costorch.provider.duration";

    /// <summary>Counter, provider calls that failed.</summary>
    public const string ProviderErrors = "costorch.provider.errors";

    /// <summary>Counter, runs that reached an end, by status.</summary>
    public const string RunsFinished = "costorch.runs.finished";

    /// <summary>Gauge, cents charged in a scope's current window.</summary>
    public const string BudgetSpent = "costorch.budget.spent";

    /// <summary>Gauge, cents held by pending reservations in a scope's current window.</summary>
    public const string BudgetReserved = "costorch.budget.reserved";

    /// <summary>Gauge, a scope window's limit in cents.</summary>
    public const string BudgetLimit = "costorch.budget.limit";

    /// <summary>Gauge, a scope window's status: 0 normal, 1 warn, 2 constrained, 3 exhausted.</summary>
    public const string BudgetStatus = "costorch.budget.status";

    /// <summary>Gauge, 1 when a provider is routable (healthy or degraded), 0 when down.</summary>
    public const string ProviderUp = "costorch.provider.up";

    /// <summary>Gauge, a provider's moving average latency in seconds, as the registry keeps it for routing.</summary>
    public const string ProviderLatencyEwma = "costorch.provider.latency_ewma";

    /// <summary>The span of one execution of a run (a run resumed later gets another).</summary>
    public const string RunSpan = "pipeline.run";

    /// <summary>The span of one step of a run.</summary>
    public const string StepSpan = "pipeline.step";

    /// <summary>The span of one invocation: cache, route, reserve, call, commit. Renamed once the provider is known.</summary>
    public const string InvocationSpan = "invoke";
}
