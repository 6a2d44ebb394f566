using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Caching;
using CostOrchestrator.Core.Routing;

namespace CostOrchestrator.Grains.Invocation;

/// <summary>
/// A fan-out's items reserved together: every item that will call a provider gets its first attempt's reservation
/// before any item runs, or none does. Each item then invokes as usual; its first attempt asks for the same
/// reservation (same key, same amount) and gets the one held for it, so an item never waits on head-room another
/// caller took in between.
/// </summary>
public sealed partial class InvocationExecutor
{
    /// <summary>
    /// Reserves each uncached item's first attempt at the provider routing picks for it now. All or none: when one
    /// cannot be reserved the others are released and the refusal is returned (with that item's decision).
    /// </summary>
    public async Task<FanOutReservation> ReserveAheadAsync(IReadOnlyList<InvocationContext> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var reservations = Coordinator;
        var held = new Dictionary<int, HeldReservation>();
        foreach (var context in items)
        {
            if (context.UseCache && await _store.GetCacheAsync(CacheKey.For(context.Capability, context.Inputs), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is not null)
            {
                continue; // served from the cache: it costs nothing and needs no room
            }

            var (request, failure) = await RoutingRequestAsync(context, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                await ReleaseAheadAsync(held.Values, cancellationToken).ConfigureAwait(false);
                return new FanOutReservation { Refusal = failure };
            }

            var route = Router.Route(request!);
            if (!route.HasCandidate)
            {
                await ReleaseAheadAsync(held.Values, cancellationToken).ConfigureAwait(false);
                var error = await BudgetErrorAsync(context, request!, route.Decision, new AttemptState(), cancellationToken).ConfigureAwait(false);
                return new FanOutReservation { Refusal = Refused(route.Decision, error, items.Count, held.Count) };
            }

            var (provider, worstCase) = route.Ordered[0];
            var outcome = await reservations.ReserveAsync(ReservationFor(context, provider, worstCase, attempt: 1), cancellationToken).ConfigureAwait(false);
            if (outcome.Denial is { } denial)
            {
                await ReleaseAheadAsync(held.Values, cancellationToken).ConfigureAwait(false);
                var where = $"step '{context.Step}' ({context.Capability})";
                var error = new RunError { Code = RunErrorCodes.BudgetExceeded, Step = context.Step, Scope = denial.Scope, Message = $"{where}: {denial.Message}", Denial = denial };
                return new FanOutReservation { Refusal = Refused(route.Decision, error, items.Count, held.Count) };
            }

            held[context.Item] = new HeldReservation { ProviderId = provider.ProviderId, Cents = worstCase, ReservationId = outcome.Reservation!.ReservationId };
        }

        return new FanOutReservation { Held = held };
    }

    /// <summary>Releases reservations held ahead that no item used (a committed one is left as it is).</summary>
    public async Task ReleaseAheadAsync(IEnumerable<HeldReservation> held, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        var reservations = Coordinator;
        foreach (var reservation in held)
        {
            await reservations.ReleaseAsync(reservation.ReservationId, cancellationToken).ConfigureAwait(false);
        }
    }

    // The refusal names the scope that refused and how far the fan-out got (nothing was invoked): the step's
    // decision trace is this one, not the first item's ranking.
    private static InvocationOutcome Refused(RoutingDecision decision, RunError error, int items, int reserved) => new()
    {
        Decision = decision with { Notes = [.. decision.Notes, $"fan-out refused before any item ran: {reserved} of {items} item(s) could be reserved; {error.Message}"] },
        Error = error with { Message = $"{error.Message} (a fan-out of {items} item(s) is reserved all or none; nothing was spent)" },
    };

    // An item that holds a reservation tries that provider first, so its first attempt uses what it holds.
    private static RouteResult HeldProviderFirst(RouteResult route, HeldReservation? held)
    {
        if (held is null || route.Ordered.Count < 2 || route.Ordered[0].Provider.ProviderId == held.ProviderId)
        {
            return route;
        }

        var index = route.Ordered.ToList().FindIndex(c => c.Provider.ProviderId == held.ProviderId);
        return index < 0 ? route : route with { Ordered = [route.Ordered[index], .. route.Ordered.Where((_, i) => i != index)] };
    }
}

/// <summary>What <see cref="InvocationExecutor.ReserveAheadAsync"/> answered: the reservations per item, or why not.</summary>
public sealed record FanOutReservation
{
    /// <summary>Item index → the reservation held for its first attempt (items served from cache hold none).</summary>
    public IReadOnlyDictionary<int, HeldReservation> Held { get; init; } = new Dictionary<int, HeldReservation>();

    /// <summary>Set when the fan-out could not be reserved whole; nothing is held then.</summary>
    public InvocationOutcome? Refusal { get; init; }
}

/// <summary>One item's reservation made ahead with its fan-out.</summary>
public sealed record HeldReservation
{
    /// <summary>The provider it was reserved for.</summary>
    public required string ProviderId { get; init; }

    /// <summary>The worst case held.</summary>
    public required decimal Cents { get; init; }

    /// <summary>The reservation.</summary>
    public required string ReservationId { get; init; }
}
