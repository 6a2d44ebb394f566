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

    /// <summary>The spend row a reservation target counts in (its start as the stores keep it, to the microsecond).</summary>
    public static SpendKey KeyOf(ReservationTarget target) => new(target.Scope, target.Window, StoreTime.Truncate(target.WindowStart));

    /// <summary>What a new reservation does to its spend rows: holds its amount as reserved.</summary>
    public static IEnumerable<SpendDelta> OnReserve(IEnumerable<ReservationTarget> targets, long amountMicros) =>
        targets.Select(t => new SpendDelta(KeyOf(t), 0, amountMicros));

    /// <summary>
    /// What a commit does: the hold becomes the actual charge. A reservation already settled at its worst case (TTL or
    /// a dead silo) moved its amount from reserved to charged then; the commit swaps that amount for the actual.
    /// </summary>
    public static IEnumerable<SpendDelta> OnCommit(IEnumerable<ReservationTarget> targets, long amountMicros, long actualMicros, bool wasSettled) =>
        targets.Select(t => wasSettled ? new SpendDelta(KeyOf(t), actualMicros - amountMicros, 0) : new SpendDelta(KeyOf(t), actualMicros, -amountMicros));

    /// <summary>What a release does: the hold is given back.</summary>
    public static IEnumerable<SpendDelta> OnRelease(IEnumerable<ReservationTarget> targets, long amountMicros) =>
        targets.Select(t => new SpendDelta(KeyOf(t), 0, -amountMicros));

    /// <summary>What settling without a commit does: the hold is charged at its worst case.</summary>
    public static IEnumerable<SpendDelta> OnSettle(IEnumerable<ReservationTarget> targets, long amountMicros) =>
        targets.Select(t => new SpendDelta(KeyOf(t), amountMicros, -amountMicros));

    /// <summary>
    /// Deltas as the stores apply them: one per row (summed), rows left unchanged dropped, in the one lock order every
    /// writer uses (scope, window, start), so two transactions never wait on each other's rows in opposite orders.
    /// </summary>
    public static IReadOnlyList<SpendDelta> PerRow(IEnumerable<SpendDelta> deltas) =>
    [
        .. deltas
            .GroupBy(d => d.Key)
            .Select(g => new SpendDelta(g.Key, g.Sum(d => d.Charged), g.Sum(d => d.Reserved)))
            .Where(d => d.Charged != 0 || d.Reserved != 0)
            .OrderBy(d => d.Key.Scope, StringComparer.Ordinal).ThenBy(d => d.Key.Window).ThenBy(d => d.Key.WindowStart),
    ];

    /// <summary>A pending reservation's hold on <paramref name="scope"/>: the scope's windows among its targets.</summary>
    public static PendingHold HoldOn(string scope, Reservation reservation, IEnumerable<ReservationTarget> targets) =>
        new(reservation.ReservationId, reservation.AmountCents, reservation.ExpiresAt,
            [.. targets.Where(t => t.Scope == scope).Select(KeyOf)]);
}

/// <summary>A change to one spend row, in micro-cents.</summary>
internal readonly record struct SpendDelta(SpendKey Key, long Charged, long Reserved);
