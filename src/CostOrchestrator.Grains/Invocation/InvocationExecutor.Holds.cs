using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Grains.Budget;

namespace CostOrchestrator.Grains.Invocation;

// What an attempt holds while its provider works, and how it ends: a governor's reservation (committed or released
// through the coordinator, with the subscription quota told) or a worst case taken from this silo's budget slice.
public sealed partial class InvocationExecutor
{
    // The actual cost replaces what the attempt held: in its slice (charged with the slice's next batch), or through the
    // governors (written before the answer; for a run's step, with its journal entry).
    private async Task CommitAsync(AttemptHold hold, IReservationCoordinatorGrain reservations, decimal actualCents, TokenCounts? tokens, JournalEntry? journal,
        CancellationToken cancellationToken)
    {
        if (hold.Ticket is { } ticket)
        {
            _slices.Commit(ticket, actualCents, tokens, hold.Attribution);
            return;
        }

        var reservationId = hold.Reservation!.ReservationId;
        if (journal is not null)
        {
            await reservations.CommitStepAsync(reservationId, actualCents, tokens, journal, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await reservations.CommitAsync(reservationId, actualCents, tokens, cancellationToken).ConfigureAwait(false);
        }

        await EndQuotaCallAsync(hold.Provider, reservationId, used: true).ConfigureAwait(false);
    }

    // Gives back what the attempt held (even when the caller has gone: nothing billable happened).
    private async Task ReleaseAsync(AttemptHold hold, IReservationCoordinatorGrain reservations)
    {
        if (hold.Ticket is { } ticket)
        {
            _slices.Release(ticket);
            return;
        }

        await reservations.ReleaseAsync(hold.Reservation!.ReservationId, CancellationToken.None).ConfigureAwait(false);
        await EndQuotaCallAsync(hold.Provider, hold.Reservation.ReservationId, used: false).ConfigureAwait(false);
    }

    // What one attempt holds while its provider works: a reservation the governors approved, or a worst case taken
    // from this silo's budget slice.
    private sealed record AttemptHold(ProviderRecord Provider, ChargeAttribution Attribution, Reservation? Reservation, SliceTicket? Ticket);
}
