using System.Diagnostics;
using System.Diagnostics.Metrics;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Grains.Invocation;
using CostOrchestrator.Grains.Registry;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Diagnostics;

/// <summary>
/// The node's instruments (one <see cref="Meter"/> from the host's <see cref="IMeterFactory"/>, created once, registered
/// as a singleton) and its <see cref="ActivitySource"/>. Every name is in <see cref="TelemetryNames"/>; money is in
/// cents (unit <c>{cent}</c>), durations in seconds.
/// </summary>
/// <remarks>
/// Cardinality stays bounded: counters carry providers, capabilities, outcomes and scope kinds, all set by an admin or
/// fixed; never a run, a key or a scope value. Spend per scope is the <see cref="TelemetryNames.BudgetSpent"/> gauge,
/// read from the governors' memory (<see cref="BudgetGauges"/>), whose series are the policies.
/// </remarks>
public sealed class CostOrchestratorTelemetry
{
    /// <summary>
    /// The activity source. Static, as .NET recommends for activity sources (there is no factory for them): every node
    /// in a process shares it, and each span says which run or invocation it belongs to.
    /// </summary>
    public static ActivitySource ActivitySource { get; } = new(TelemetryNames.Source);

    private const string Cents = "{cent}";
    private const string Seconds = "s";

    // Seconds from half a millisecond (a reservation on an idle node) to a minute (a slow provider), instead of the SDK's
    // default bounds, which are meant for milliseconds.
    private static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    };

    private readonly Counter<double> _spend;
    private readonly Counter<double> _cacheSavings;
    private readonly Counter<long> _cacheLookups;
    private readonly Counter<long> _reservations;
    private readonly Histogram<double> _reservationDuration;
    private readonly Counter<long> _routingDecisions;
    private readonly Histogram<double> _providerDuration;
    private readonly Counter<long> _providerErrors;
    private readonly Counter<long> _runsFinished;

    /// <summary>Creates the meter and its instruments.</summary>
    public CostOrchestratorTelemetry(IMeterFactory meterFactory, BudgetGauges budgets, RegistryCopy registry)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(registry);
        var meter = meterFactory.Create(TelemetryNames.Source);
        _spend = meter.CreateCounter<double>(TelemetryNames.Spend, Cents, "Cents charged to the ledger: commits at their actual cost, settlements at the reserved amount.");
        _cacheSavings = meter.CreateCounter<double>(TelemetryNames.CacheSavings, Cents, "Cents cache hits did not spend.");
        _cacheLookups = meter.CreateCounter<long>(TelemetryNames.CacheLookups, "{lookup}", "Cache lookups, hits and misses.");
        _reservations = meter.CreateCounter<long>(TelemetryNames.Reservations, "{reservation}", "Reservations by outcome.");
        _reservationDuration = meter.CreateHistogram(TelemetryNames.ReservationDuration, Seconds, "Seconds to reserve across a scope chain (its governors and the durable write).", advice: SecondsBuckets);
        _routingDecisions = meter.CreateCounter<long>(TelemetryNames.RoutingDecisions, "{decision}", "Routing decisions of invocations not served from the cache.");
        _providerDuration = meter.CreateHistogram(TelemetryNames.ProviderDuration, Seconds, "Seconds one provider call took.", advice: SecondsBuckets);
        _providerErrors = meter.CreateCounter<long>(TelemetryNames.ProviderErrors, "{error}", "Provider calls that failed.");
        _runsFinished = meter.CreateCounter<long>(TelemetryNames.RunsFinished, "{run}", "Runs that reached an end, by status.");

        meter.CreateObservableGauge(TelemetryNames.BudgetSpent, budgets.Spent, Cents, "Cents charged in a scope's current window.");
        meter.CreateObservableGauge(TelemetryNames.BudgetReserved, budgets.Reserved, Cents, "Cents held by pending reservations in a scope's current window.");
        meter.CreateObservableGauge(TelemetryNames.BudgetLimit, budgets.Limits, Cents, "A scope window's limit, in cents.");
        meter.CreateObservableGauge(TelemetryNames.BudgetStatus, budgets.Statuses, "{status}", "A scope window's status: 0 normal, 1 warn, 2 constrained, 3 exhausted.");
        meter.CreateObservableGauge(TelemetryNames.ProviderUp, () => ProvidersUp(registry), "{provider}", "1 when the provider is routable (healthy or degraded), 0 when down.");
        meter.CreateObservableGauge(TelemetryNames.ProviderLatencyEwma, () => ProviderLatencies(registry), Seconds, "The provider's moving average latency in seconds, as routing sees it.");
    }

    /// <summary>A reservation's answer: written (a replay is not counted), or denied by the scope named.</summary>
    public void RecordReserve(ReservationOutcome outcome, bool replayed, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (replayed)
        {
            return;
        }

        var denied = outcome.Denial is not null;
        var tags = new TagList { { TelemetryAttributes.ReservationOutcome, denied ? TelemetryAttributes.ReservationOutcomes.Denied : TelemetryAttributes.ReservationOutcomes.Reserved } };
        _reservationDuration.Record(elapsed.TotalSeconds, tags);
        if (outcome.Denial is { } denial)
        {
            tags.Add(TelemetryAttributes.ScopeKind, KindOf(denial.Scope));
        }

        _reservations.Add(1, tags);
    }

    /// <summary>
    /// A commit or release the store applied (a repeated one is not counted). A commit adds its actual cost to the
    /// spend; one that reconciles a settlement adds only what it costs above the amount already counted as settled.
    /// </summary>
    public void RecordSettlement(ReservationChange change, bool committed)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!change.Applied || change.Reservation is not { } reservation)
        {
            return;
        }

        _reservations.Add(1, new KeyValuePair<string, object?>(TelemetryAttributes.ReservationOutcome, committed ? TelemetryAttributes.ReservationOutcomes.Committed : TelemetryAttributes.ReservationOutcomes.Released));
        if (committed && reservation.ActualCents is { } actual)
        {
            // A counter cannot go down: a settled reservation reconciled below its reserved amount stays counted at that
            // amount here, while the ledger holds the actual. It takes a call outliving its TTL, or a silo declared dead
            // while it was still working.
            if (!change.Reconciled)
            {
                AddSpend(actual, reservation.Attribution, TelemetryAttributes.ChargeKinds.Committed);
            }
            else if (actual > reservation.AmountCents)
            {
                AddSpend(actual - reservation.AmountCents, reservation.Attribution, TelemetryAttributes.ChargeKinds.Committed);
            }
        }
    }

    /// <summary>
    /// A call decided inside a budget slice and committed: counted as a committed reservation and its spend now, as the
    /// ledger will have it once the slice's next flush writes the entry.
    /// </summary>
    public void RecordSliceCall(decimal actualCents, ChargeAttribution attribution)
    {
        ArgumentNullException.ThrowIfNull(attribution);
        _reservations.Add(1, new KeyValuePair<string, object?>(TelemetryAttributes.ReservationOutcome, TelemetryAttributes.ReservationOutcomes.Committed));
        AddSpend(actualCents, attribution, TelemetryAttributes.ChargeKinds.Committed);
    }

    /// <summary>Reservations settled at their reserved amount without a commit (TTL passed, or their silo died).</summary>
    public void RecordSettledWithoutCommit(IReadOnlyList<Reservation> settled)
    {
        ArgumentNullException.ThrowIfNull(settled);
        foreach (var reservation in settled)
        {
            _reservations.Add(1, new KeyValuePair<string, object?>(TelemetryAttributes.ReservationOutcome, TelemetryAttributes.ReservationOutcomes.Settled));
            // What it still held: a budget slice's lease had its calls' charges counted as they were made.
            AddSpend(Core.Budget.BudgetMath.Outstanding(reservation.AmountCents, reservation.ActualCents ?? 0m), reservation.Attribution, TelemetryAttributes.ChargeKinds.Settled);
        }
    }

    /// <summary>One cache lookup: <paramref name="hit"/> is the invocation served from the cache, or null on a miss.</summary>
    public void RecordCacheLookup(string capability, InvocationRecord? hit)
    {
        if (hit is { CacheHit: true })
        {
            _cacheLookups.Add(1, new(TelemetryAttributes.Capability, capability), new(TelemetryAttributes.CacheHit, true));
            _cacheSavings.Add((double)hit.SavedCents, new(TelemetryAttributes.Capability, capability), new(TelemetryAttributes.ProviderId, hit.ProviderId));
        }
        else
        {
            _cacheLookups.Add(1, new(TelemetryAttributes.Capability, capability), new(TelemetryAttributes.CacheHit, false));
        }
    }

    /// <summary>How routing an invocation (one not served from the cache) ended.</summary>
    public void RecordDecision(string capability, InvocationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var tags = new TagList { { TelemetryAttributes.Capability, capability } };
        if (outcome.Succeeded)
        {
            tags.Add(TelemetryAttributes.RoutingOutcome, TelemetryAttributes.RoutingOutcomes.Routed);
        }
        else
        {
            tags.Add(TelemetryAttributes.RoutingOutcome, outcome.Queued ? TelemetryAttributes.RoutingOutcomes.Queued : outcome.NothingFitted ? TelemetryAttributes.RoutingOutcomes.Degraded : TelemetryAttributes.RoutingOutcomes.Refused);
            tags.Add(TelemetryAttributes.ErrorType, outcome.Error?.Code ?? RunErrorCodes.NoProvider);
        }

        _routingDecisions.Add(1, tags);
    }

    /// <summary>One provider call and how long it took.</summary>
    public void RecordProviderCall(ProviderRecord provider, bool succeeded, bool retryable, double latencyMs)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var tags = new TagList { { TelemetryAttributes.ProviderId, provider.ProviderId }, { TelemetryAttributes.Capability, provider.Capability } };
        if (!succeeded)
        {
            tags.Add(TelemetryAttributes.ErrorType, retryable ? TelemetryAttributes.ProviderErrors.Transient : TelemetryAttributes.ProviderErrors.Permanent);
            _providerErrors.Add(1, tags);
        }

        _providerDuration.Record(latencyMs / 1000, tags);
    }

    /// <summary>A run reached <paramref name="status"/>.</summary>
    public void RecordRunFinished(RunStatus status) =>
        _runsFinished.Add(1, new KeyValuePair<string, object?>(TelemetryAttributes.RunStatus, ApiNames<RunStatus>.Of(status)));

    /// <summary>The kind of a scope: <c>global</c>, or what comes before the colon.</summary>
    public static string KindOf(string scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var colon = scope.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? scope[..colon] : scope;
    }

    private void AddSpend(decimal cents, ChargeAttribution attribution, string kind) =>
        _spend.Add((double)cents, new(TelemetryAttributes.ProviderId, attribution.ProviderId), new(TelemetryAttributes.Capability, attribution.Capability), new(TelemetryAttributes.Charge, kind));

    private static IEnumerable<Measurement<int>> ProvidersUp(RegistryCopy registry) =>
        registry.Known.Select(p => new Measurement<int>(p.Health == ProviderHealth.Down ? 0 : 1,
            new KeyValuePair<string, object?>(TelemetryAttributes.ProviderId, p.ProviderId), new KeyValuePair<string, object?>(TelemetryAttributes.Capability, p.Capability)));

    private static IEnumerable<Measurement<double>> ProviderLatencies(RegistryCopy registry) =>
        registry.Known.Select(p => new Measurement<double>(p.LatencyEwmaMs / 1000,
            new KeyValuePair<string, object?>(TelemetryAttributes.ProviderId, p.ProviderId), new KeyValuePair<string, object?>(TelemetryAttributes.Capability, p.Capability)));
}
