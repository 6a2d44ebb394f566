using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Money;

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

    /// <summary>
    /// The ledger entry of a reservation settled without a commit: what it still held is spent at that amount, flagged
    /// unreconciled (for a budget slice, the part of its lease its calls had not been charged yet).
    /// </summary>
    public static LedgerEntry Settled(Reservation reservation, DateTimeOffset now)
    {
        var outstanding = Cents.FromMicros(OutstandingMicros(reservation));
        return Committed(reservation, outstanding, tokens: null, now) with { EstimatedCents = outstanding, Unreconciled = true };
    }

    /// <summary>The ledger entries of calls decided inside a budget slice, charged to its lease's chain.</summary>
    public static IEnumerable<LedgerEntry> SliceEntries(Reservation lease, IEnumerable<SliceCharge> charges) =>
        charges.Select(c => new LedgerEntry
        {
            EntryId = c.EntryId,
            ReservationId = c.ReservationId,
            CreatedAt = c.CreatedAt,
            Chain = lease.Chain,
            Attribution = c.Attribution,
            EstimatedCents = c.EstimatedCents,
            ActualCents = c.ActualCents,
            Tokens = c.Tokens,
        });

    /// <summary>
    /// What a pending reservation still holds in its spend rows, in micro-cents: its amount, less what a budget slice's
    /// calls were charged against it so far (a pending reservation's actual is that running total; null for others).
    /// </summary>
    public static long OutstandingMicros(Reservation reservation) =>
        Cents.ToMicros(reservation.State == ReservationState.Pending
            ? BudgetMath.Outstanding(reservation.AmountCents, reservation.ActualCents ?? 0m)
            : reservation.AmountCents);

    /// <summary>
    /// What charging a slice's calls does to its lease's spend rows: the lease's running charge goes from
    /// <paramref name="chargedBefore"/> to <paramref name="chargedAfter"/>; that much is charged, and what the lease
    /// held shrinks by as much (never below nothing).
    /// </summary>
    public static IEnumerable<SpendDelta> OnSliceCharge(IEnumerable<ReservationTarget> targets, decimal amountCents, decimal chargedBefore, decimal chargedAfter)
    {
        var charged = Cents.ToMicros(chargedAfter) - Cents.ToMicros(chargedBefore);
        var released = Cents.ToMicros(BudgetMath.Outstanding(amountCents, chargedBefore)) - Cents.ToMicros(BudgetMath.Outstanding(amountCents, chargedAfter));
        return targets.Select(t => new SpendDelta(KeyOf(t), charged, -released));
    }

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
            [.. targets.Where(t => t.Scope == scope).Select(KeyOf)], reservation.ActualCents ?? 0m);
}

/// <summary>A change to one spend row, in micro-cents.</summary>
internal readonly record struct SpendDelta(SpendKey Key, long Charged, long Reserved);
