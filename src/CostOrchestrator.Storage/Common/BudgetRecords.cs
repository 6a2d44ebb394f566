using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Storage.Common;

/// <summary>
/// What the stores record when a reservation ends or a governor loads its holds, built once here so both SQL
/// dialects record the same thing; each store only writes or reads it.
/// </summary>
internal static class BudgetRecords
{
    private static string NewLedgerId() => "led_" + Guid.NewGuid().ToString("N");

    /// <summary>The ledger entry of a commit: the reservation replaced by what the call cost.</summary>
    public static LedgerEntry Committed(Reservation reservation, decimal actualCents, TokenCounts? tokens, DateTimeOffset now) => new()
    {
        EntryId = NewLedgerId(),
        ReservationId = reservation.ReservationId,
        CreatedAt = now,
        Chain = reservation.Chain,
        Attribution = reservation.Attribution,
        EstimatedCents = reservation.AmountCents,
        ActualCents = actualCents,
        Overdraft = reservation.Overdraft,
        Tokens = tokens,
    };

    /// <summary>The ledger entry of a reservation settled without a commit: spent at its worst case, flagged unreconciled.</summary>
    public static LedgerEntry Settled(Reservation reservation, DateTimeOffset now) =>
        Committed(reservation, reservation.AmountCents, tokens: null, now) with { Unreconciled = true };

    /// <summary>A pending reservation's hold on <paramref name="scope"/>: the scope's windows among its targets.</summary>
    public static PendingHold HoldOn(string scope, Reservation reservation, IEnumerable<ReservationTarget> targets) =>
        new(reservation.ReservationId, reservation.AmountCents, reservation.ExpiresAt,
            [.. targets.Where(t => t.Scope == scope).Select(t => new SpendKey(t.Scope, t.Window, StoreTime.Truncate(t.WindowStart)))]);
}
