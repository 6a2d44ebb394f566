using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Caching;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Core.Routing;
using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Grains.Diagnostics;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Grains.Registry;
using CostOrchestrator.Providers;
using CostOrchestrator.Storage;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Invocation;

/// <summary>
/// Runs one invocation the way every pipeline step runs: cache, route, reserve the worst case, take room in a
/// subscription's monthly quota, invoke, commit the actual cost (or release), record. The cache is consulted before
/// routing: a hit costs nothing and uses no quota, so it is served even when every paid provider is out of budget.
/// </summary>
public sealed partial class InvocationExecutor
{
    private readonly IGrainFactory _grains;
    private readonly ICostOrchestratorStore _store;
    private readonly BudgetBook _book;
    private readonly RegistryCopy _registry;
    private readonly ProviderQuotas _quotas;
    private readonly BudgetSlices _slices;
    private IReservationCoordinatorGrain? _coordinator;
    private readonly ProviderAdapters _adapters;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;
    private readonly CostOrchestratorTelemetry _telemetry;
    private readonly ILogger<InvocationExecutor> _logger;

    /// <summary>Creates the executor.</summary>
    public InvocationExecutor(IGrainFactory grains, ICostOrchestratorStore store, BudgetBook book, RegistryCopy registry, ProviderQuotas quotas, BudgetSlices slices, ProviderAdapters adapters,
        [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options, CostOrchestratorTelemetry telemetry, ILogger<InvocationExecutor> logger)
    {
        _grains = grains;
        _store = store;
        _book = book;
        _registry = registry;
        _quotas = quotas;
        _slices = slices;
        _adapters = adapters;
        _time = time;
        _options = options;
        _telemetry = telemetry;
        _logger = logger;
    }

    // The coordinator on this silo (a stateless worker): resolved once, not per call.
    private IReservationCoordinatorGrain Coordinator => _coordinator ??= _grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);

    // InvokeAsync (InvocationExecutor.Telemetry.cs) runs this inside the invocation's span.
    private async Task<InvocationOutcome> InvokeUntracedAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var invocationId = "inv_" + Guid.NewGuid().ToString("N")[..20];
        var cacheKey = CacheKey.For(context.Capability, context.Inputs);
        if (context.UseCache && await _store.GetCacheAsync(cacheKey, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is { } hit)
        {
            return await ServeFromCacheAsync(context, hit, invocationId, cancellationToken).ConfigureAwait(false);
        }

        var (request, failure) = await RoutingRequestAsync(context, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var route = HeldProviderFirst(Router.Route(request!), context.HeldAhead);
        var attempt = new AttemptState();
        var outcome = await TryCandidatesAsync(context, request!, route, invocationId, cacheKey, attempt, cancellationToken).ConfigureAwait(false);
        if (outcome is not null)
        {
            return outcome;
        }

        route = attempt.Rerouted ?? route;
        if (context.Fallback == FallbackPolicy.Degrade && !attempt.ProviderFailed)
        {
            var degradedRequest = attempt.WithQuotaRefusals(request!) with { Degrade = true, Excluded = attempt.Failed };
            var degraded = Router.Route(degradedRequest);
            attempt.Notes.Add("fallback degrade applied");
            attempt.Rerouted = null;
            outcome = await TryCandidatesAsync(context, degradedRequest, degraded, invocationId, cacheKey, attempt, cancellationToken).ConfigureAwait(false);
            if (outcome is not null)
            {
                return outcome;
            }

            route = attempt.Rerouted ?? degraded;
        }

        var decision = Decorate(route.Decision, attempt);
        if (attempt.ProviderFailed)
        {
            return Fail(RunErrorCodes.ProviderFailed, $"every provider for '{context.Capability}' failed; last error: {attempt.LastError}", context, decision) with { RetriesUsed = attempt.Retries };
        }

        var budgetLimited = attempt.Denial is not null || route.Decision.Candidates.Any(c => c.BudgetLimited);
        if (!budgetLimited)
        {
            return Fail(RunErrorCodes.NoProvider, $"no provider for '{context.Capability}' is available: {Reasons(route.Decision)}", context, decision);
        }

        var budgetError = await BudgetErrorAsync(context, request!, route.Decision, attempt, cancellationToken).ConfigureAwait(false);
        return context.Fallback switch
        {
            FallbackPolicy.Queue => new InvocationOutcome { Queued = true, Decision = decision, Error = budgetError },
            FallbackPolicy.Degrade => new InvocationOutcome { NothingFitted = true, Decision = decision, Error = budgetError },
            _ => new InvocationOutcome { Decision = decision, Error = budgetError },
        };
    }

    // The reservation of one attempt. Its key is the attempt's identity: the same attempt asks again (a fan-out's
    // item reserved ahead, a replay after a crash) and gets the same reservation back.
    private static ReservationRequest ReservationFor(InvocationContext context, ProviderRecord provider, decimal worstCase, int attempt) => new()
    {
        Chain = ScopeChain.For(context.Scopes, context.PipelineId, context.Capability, provider.ProviderId, context.RunId),
        AmountCents = worstCase,
        IdempotencyKey = $"{context.IdempotencyPrefix}/{provider.ProviderId}/{attempt}",
        Priority = context.Priority,
        Attribution = new ChargeAttribution
        {
            ProviderId = provider.ProviderId,
            Capability = context.Capability,
            PipelineId = context.PipelineId,
            RunId = context.RunId,
            Step = context.Step,
        },
    };

    private async Task<(RoutingRequest? Request, InvocationOutcome? Failure)> RoutingRequestAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        // This silo's copy: no grain call per invocation.
        IReadOnlyList<ProviderRecord> providers = await _registry.GetProvidersAsync(context.Capability, cancellationToken).ConfigureAwait(false);
        if (context.OnlyProviders is { } only)
        {
            providers = providers.Where(p => only.Contains(p.ProviderId)).ToList();
        }

        if (providers.Count == 0)
        {
            return (null, Fail(RunErrorCodes.NoProvider, $"no provider is registered for capability '{context.Capability}'", context, decision: null));
        }

        var baseChain = ScopeChain.For(context.Scopes, context.PipelineId, context.Capability, providerId: null, context.RunId);
        // On the lean path a recent reading will do: routing orders candidates, the slice or the governors decide.
        var chain = await _book.GetChainAsync(baseChain, context.Priority, cancellationToken, mayBeRecent: context.MayUseSlice).ConfigureAwait(false);
        return (new RoutingRequest
        {
            Capability = context.Capability,
            Providers = providers,
            Inputs = context.Inputs,
            StepBudgetCents = context.StepBudgetCents,
            Prefer = context.Prefer,
            MinQuality = context.MinQuality,
            Priority = context.Priority,
            RunRemainingCents = context.RunRemainingCents,
            // What this item holds already (reserved ahead with its fan-out) is its own room, not someone else's use.
            ChainHeadroomCents = chain.HeadroomCents + (context.HeldAhead?.Cents ?? 0m),
            HeadroomScope = chain.HeadroomScope,
            Status = chain.Status,
            StatusScope = chain.StatusScope,
            QuotaUsage = _quotas.Heard(providers),
        }, null);
    }

    private async Task<InvocationOutcome?> TryCandidatesAsync(InvocationContext context, RoutingRequest request, RouteResult route, string invocationId,
        string cacheKey, AttemptState attempt, CancellationToken cancellationToken)
    {
        var queue = new Queue<(ProviderRecord Provider, decimal Cost)>(route.Ordered);
        var decision = route.Decision;
        var routed = request;
        var dequeued = new HashSet<string>(StringComparer.Ordinal);
        while (queue.TryDequeue(out var candidate))
        {
            var (provider, worstCase) = candidate;
            dequeued.Add(provider.ProviderId);
            if (attempt.Failed.Contains(provider.ProviderId))
            {
                continue;
            }

            var result = await TryProviderAsync(context, provider, worstCase, invocationId, cacheKey, attempt, Decorate(decision, attempt), cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                return result;
            }

            if (attempt.QuotaRefusals.ContainsKey(provider.ProviderId))
            {
                // Its quota grain refused the call (this silo had not heard the quota was taken): route again with the
                // answer, so the decision says why it was dropped, and go on with the providers not tried yet.
                var rerouted = Router.Route(attempt.WithQuotaRefusals(routed) with { Excluded = attempt.Failed });
                queue = new Queue<(ProviderRecord, decimal)>(rerouted.Ordered.Where(c => !dequeued.Contains(c.Provider.ProviderId)));
                decision = rerouted.Decision;
                attempt.Rerouted = rerouted;
                continue;
            }

            if (context.Escalate && attempt.Failed.Contains(provider.ProviderId))
            {
                // Tiered fallbacks: after a failure move up in quality, not sideways.
                var escalatedRequest = request with { MinQuality = Math.Min(3, provider.Quality + 1), Excluded = attempt.Failed };
                var escalated = Router.Route(attempt.WithQuotaRefusals(escalatedRequest));
                if (escalated.HasCandidate)
                {
                    attempt.Notes.Add($"escalate: {provider.ProviderId} failed, moving to quality {Math.Min(3, provider.Quality + 1)}+");
                    queue = new Queue<(ProviderRecord, decimal)>(escalated.Ordered);
                    decision = escalated.Decision;
                    routed = escalatedRequest;
                }
            }
        }

        return null;
    }

    private async Task<InvocationOutcome?> TryProviderAsync(InvocationContext context, ProviderRecord provider, decimal worstCase, string invocationId,
        string cacheKey, AttemptState attempt, RoutingDecision decision, CancellationToken cancellationToken)
    {
        var adapter = _adapters.For(provider.Kind);
        if (adapter is null)
        {
            attempt.Fail(provider.ProviderId, $"no adapter for kind '{provider.Kind}'");
            return null;
        }

        var reservations = Coordinator;
        var journaled = context is { RunId: not null, StepIndex: not null };
        for (var tryOnProvider = 1; ; tryOnProvider++)
        {
            attempt.Attempts++;
            var asked = ReservationFor(context, provider, worstCase, attempt.Attempts);
            AttemptHold hold;

            // The lean path: the worst case taken from this silo's slice of the chain, no grain call, no store write. A
            // subscription's quota is admitted call by call by its grain, so those calls take the governors' path.
            if (context.MayUseSlice && !journaled && MonthlyQuota.Of(provider) is null && await _slices.TakeAsync(asked, cancellationToken).ConfigureAwait(false) is { } ticket)
            {
                hold = new AttemptHold(provider, asked.Attribution, Reservation: null, ticket);
            }
            else
            {
                // Not abandoned half way: a reservation whose write is under way is seen through, then given back below if
                // the caller has gone meanwhile (else it would sit pending until its TTL charged it).
                var reservation = await reservations.ReserveAsync(asked, CancellationToken.None).ConfigureAwait(false);
                if (reservation.Denial is { } denial)
                {
                    attempt.Denial ??= denial;
                    attempt.Notes.Add($"{provider.ProviderId}: reservation denied: {denial.Message}");
                    return null;
                }

                var reserved = reservation.Reservation!;
                if (reserved.State != ReservationState.Pending)
                {
                    // The key was used by an earlier incarnation of this invocation (a crashed node); never reuse its charge.
                    attempt.Notes.Add($"{provider.ProviderId}: reservation {reserved.ReservationId} already {reserved.State.ToString().ToLowerInvariant()}; trying a fresh attempt");
                    continue;
                }

                if (reserved.Overdraft)
                {
                    attempt.Notes.Add($"{provider.ProviderId}: overdraft used (priority high)");
                }

                if (await AdmitToQuotaAsync(provider, reserved.ReservationId, reservations, CancellationToken.None).ConfigureAwait(false) is { Admitted: false } refused)
                {
                    attempt.QuotaRefusals[provider.ProviderId] = refused.Usage;
                    return null;
                }

                hold = new AttemptHold(provider, asked.Attribution, reserved, Ticket: null);
                if (cancellationToken.IsCancellationRequested)
                {
                    await ReleaseAsync(hold, reservations).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            TagReserved(Cents.RoundUp(worstCase));

            var started = _time.GetTimestamp();
            ProviderOutcome result;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(context.Timeout);
                try
                {
                    result = await adapter.InvokeAsync(new ProviderCall
                    {
                        Provider = provider,
                        Inputs = context.Inputs,
                        InvocationId = invocationId,
                        Attempt = tryOnProvider,
                        ArtifactDirectory = Path.Combine(_options.ArtifactDirectory, context.Capability),
                    }, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    result = ProviderOutcome.Failure($"{provider.ProviderId}: timed out after {context.Timeout.TotalSeconds:0.#}s", retryable: true);
                }
                catch (OperationCanceledException)
                {
                    await ReleaseAsync(hold, reservations).ConfigureAwait(false);
                    throw;
                }
            }

            var latencyMs = _time.GetElapsedTime(started).TotalMilliseconds;
            await _registry.ReportOutcomeAsync(provider, result.Succeeded, latencyMs, CancellationToken.None).ConfigureAwait(false);
            _telemetry.RecordProviderCall(provider, result.Succeeded, result.Retryable, latencyMs);
            if (result.Succeeded)
            {
                var actual = result.BilledCents ?? CostEstimator.Actual(provider, context.Inputs, result.Usage);
                var record = new InvocationRecord
                {
                    InvocationId = invocationId,
                    Item = context.Item,
                    ProviderId = provider.ProviderId,
                    EstimatedCents = worstCase,
                    ActualCents = actual,
                    LatencyMs = Math.Round(latencyMs, 3),
                    Attempts = attempt.Attempts,
                    Tokens = result.Usage,
                    ListCents = result.BilledCents is null ? null : CostEstimator.Actual(provider, context.Inputs, result.Usage),
                };

                // A run's step is charged and journaled in one write: should this silo die right after, the resumed
                // run replays the step rather than paying for it twice.
                var journal = journaled
                    ? new JournalEntry { RunId = context.RunId!, StepIndex = context.StepIndex!.Value, Item = context.Item, Invocation = record, Result = result.Result!.Value }
                    : null;
                // The provider answered: its cost is charged even if the caller has gone since.
                await CommitAsync(hold, reservations, actual, result.Usage, journal, CancellationToken.None).ConfigureAwait(false);

                if (context.UseCache)
                {
                    await PutCacheAsync(context.Capability, cacheKey, provider.ProviderId, result.Result!.Value, actual, cancellationToken).ConfigureAwait(false);
                }

                return new InvocationOutcome
                {
                    Result = result.Result,
                    Decision = Decorate(decision, attempt),
                    RetriesUsed = attempt.Retries,
                    Record = record,
                    Journaled = journaled,
                };
            }

            // The call did not happen or failed before producing anything billable: give the head-room back.
            await ReleaseAsync(hold, reservations).ConfigureAwait(false);
            LogProviderFailed(provider.ProviderId, context.Capability, result.Error);
            attempt.LastError = result.Error;
            attempt.ProviderFailed = true;
            if (!result.Retryable || tryOnProvider > context.RetriesPerProvider || !context.TryTakeRetry())
            {
                attempt.Fail(provider.ProviderId, result.Error);
                return null;
            }

            attempt.Retries++;
        }
    }

    /// <summary>
    /// The refusal, naming who refused: a governor's denial as it came; a refusal by routing (no candidate's worst case
    /// fits a scope's head-room, or a scope's status rules out every paid provider) with that scope's tightest window
    /// as it stands now, so the caller gets scope, window, spent, reserved and limit as fields, not only in prose.
    /// </summary>
    private async Task<RunError> BudgetErrorAsync(InvocationContext context, RoutingRequest request, RoutingDecision decision, AttemptState attempt, CancellationToken cancellationToken)
    {
        var where = context.Step is null ? $"'{context.Capability}'" : $"step '{context.Step}' ({context.Capability})";
        if (attempt.Denial is { } denial)
        {
            return new RunError { Code = RunErrorCodes.BudgetExceeded, Step = context.Step, Scope = denial.Scope, Message = $"{where}: {denial.Message}", Denial = denial };
        }

        var limited = decision.Candidates.Where(c => c.BudgetLimited).ToList();
        var scope = decision.StatusScope
            ?? (request.ChainHeadroomCents is { } headroom && limited.Any(c => c.EstimatedCents > headroom) ? request.HeadroomScope : null);
        var cap = context.StepBudgetCents is { } c ? $" within budget_cents {c.ToString(CultureInfo.InvariantCulture)}¢" : string.Empty;
        return new RunError
        {
            Code = RunErrorCodes.BudgetExceeded,
            Step = context.Step,
            Scope = scope,
            Field = context.StepBudgetCents is null || scope is not null ? null : "budget_cents",
            Message = $"{where}: no provider fits the budget{cap}: {Reasons(decision)}",
            Denial = scope is null ? null : await DenialOfAsync(scope, limited.Select(c => c.EstimatedCents).DefaultIfEmpty(0m).Min(), cancellationToken).ConfigureAwait(false),
        };
    }

    // A scope's tightest window as a denial of the cheapest amount that was asked of it.
    private async Task<BudgetDenial?> DenialOfAsync(string scope, decimal requestedCents, CancellationToken cancellationToken)
    {
        var budget = (await _book.GetAsync([scope], cancellationToken).ConfigureAwait(false))[0];
        return budget.Windows.OrderByDescending(w => w.PctConsumed).FirstOrDefault() is { } window
            ? new BudgetDenial { Scope = scope, Window = window.Window, SpentCents = window.SpentCents, ReservedCents = window.ReservedCents, LimitCents = window.LimitCents, RequestedCents = requestedCents }
            : null;
    }

    private static string Reasons(RoutingDecision decision) =>
        string.Join("; ", decision.Candidates.Where(c => c.Dropped is not null).Select(c => $"{c.ProviderId}: {c.Dropped}"));

    private static InvocationOutcome Fail(string code, string message, InvocationContext context, RoutingDecision? decision) =>
        new() { Decision = decision, Error = new RunError { Code = code, Message = context.Step is null ? message : $"step '{context.Step}': {message}", Step = context.Step } };

    private static RoutingDecision Decorate(RoutingDecision decision, AttemptState attempt) =>
        attempt.Notes.Count == 0 ? decision : decision with { Notes = [.. decision.Notes, .. attempt.Notes] };

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.ProviderCallFailed, Level = LogLevel.Warning, Message = "Provider {ProviderId} failed for {Capability}: {Error}")]
    private partial void LogProviderFailed(string providerId, string capability, string? error);

    private sealed class AttemptState
    {
        public HashSet<string> Failed { get; } = new(StringComparer.Ordinal);

        public List<string> Notes { get; } = [];

        public int Attempts { get; set; }

        public int Retries { get; set; }

        public bool ProviderFailed { get; set; }

        public string? LastError { get; set; }

        public BudgetDenial? Denial { get; set; }

        /// <summary>What a quota grain answered when it refused a call of this invocation, by provider.</summary>
        public Dictionary<string, QuotaUsage> QuotaRefusals { get; } = new(StringComparer.Ordinal);

        /// <summary>The route after the last quota refusal, when there was one: it explains the outcome.</summary>
        public RouteResult? Rerouted { get; set; }

        public RoutingRequest WithQuotaRefusals(RoutingRequest request)
        {
            if (QuotaRefusals.Count == 0)
            {
                return request;
            }

            var usage = new Dictionary<string, QuotaUsage>(request.QuotaUsage, StringComparer.Ordinal);
            foreach (var (providerId, refused) in QuotaRefusals)
            {
                usage[providerId] = refused;
            }

            return request with { QuotaUsage = usage };
        }

        public void Fail(string providerId, string? error)
        {
            Failed.Add(providerId);
            LastError = error;
            Notes.Add($"{providerId}: failed: {error}");
        }
    }
}
