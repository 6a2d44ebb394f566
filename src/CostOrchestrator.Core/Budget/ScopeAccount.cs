using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Core.Budget;

/// <summary>
/// The in-memory account a scope's governor decides on: for each window of the scope's policy, what is charged
/// and what is held, and every hold by reservation. This is the one place the reservation arithmetic lives
/// (charged + reserved + amount &lt;= limit + overdraft); the stores only record what it decided.
/// </summary>
/// <remarks>
/// The account never counts less than the store: a hold is counted before its reservation is written, and given
/// back only after a release or commit is written. Holds are tracked one by one so that a late or repeated
/// notice of a commit or release changes the totals at most once, and only for a hold this account counted.
/// </remarks>
public sealed class ScopeAccount
{
    private readonly Dictionary<(WindowKind Window, DateTimeOffset Start), Totals> _windows = [];
    private readonly Dictionary<string, Hold> _holds = new(StringComparer.Ordinal);
    private readonly TimeZoneInfo _zone;

    /// <summary>An empty account of <paramref name="scope"/> under <paramref name="policy"/> (null: unlimited).</summary>
    public ScopeAccount(string scope, BudgetPolicy? policy, TimeZoneInfo zone)
    {
        Scope = scope;
        Policy = policy;
        _zone = zone;
    }

    /// <summary>The scope.</summary>
    public string Scope { get; }

    /// <summary>The policy decided against; null when the scope is unlimited.</summary>
    public BudgetPolicy? Policy { get; }

    /// <summary>Holds counted now.</summary>
    public int HoldCount => _holds.Count;

    /// <summary>The windows of the policy that are current at <paramref name="now"/>.</summary>
    public IReadOnlyList<HeldWindow> CurrentWindows(DateTimeOffset now) =>
        Policy is null ? [] : [.. Policy.Windows.Select(w => new HeldWindow { Window = w.Window, WindowStart = BudgetWindows.StartOf(w.Window, now, _zone) })];

    /// <summary>Sets a window's totals as read from the store.</summary>
    public void LoadWindow(WindowKind window, DateTimeOffset start, decimal chargedCents, decimal reservedCents) =>
        _windows[(window, start)] = new Totals(chargedCents, reservedCents);

    /// <summary>
    /// Counts a pending reservation read from the store (what it still holds is already in the loaded reserved totals,
    /// and what was charged against it so far, <paramref name="chargedCents"/>, in the charged totals).
    /// </summary>
    public void LoadHold(string reservationId, decimal amountCents, DateTimeOffset expiresAt, IEnumerable<HeldWindow> windows, decimal chargedCents = 0m) =>
        _holds[reservationId] = new Hold(amountCents, [.. windows], expiresAt, TentativeUntil: null, chargedCents);

    /// <summary>
    /// Takes room for <paramref name="amountCents"/> in every current window, or in none. Zero always fits: free
    /// work keeps flowing on an exhausted budget. The hold stays tentative until <see cref="Confirm"/>; one not
    /// confirmed by <paramref name="tentativeUntil"/> is due for a check against the store.
    /// </summary>
    public HoldOutcome TryHold(string reservationId, decimal amountCents, bool mayOverdraw, DateTimeOffset now, DateTimeOffset expiresAt, DateTimeOffset tentativeUntil)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountCents);
        if (_holds.ContainsKey(reservationId))
        {
            throw new InvalidOperationException($"Reservation {reservationId} already holds room in {Scope}.");
        }

        if (Policy is null)
        {
            return new HoldOutcome([], Overdraft: false, Denial: null);
        }

        var overdraftCents = mayOverdraw ? Policy.OverdraftCents : 0m;
        var windows = new List<HeldWindow>(Policy.Windows.Count);
        var overdraft = false;
        foreach (var limit in Policy.Windows)
        {
            var start = BudgetWindows.StartOf(limit.Window, now, _zone);
            var totals = _windows.GetValueOrDefault((limit.Window, start));
            var after = totals.Charged + totals.Reserved + amountCents;
            if (amountCents > 0 && after > limit.LimitCents + overdraftCents)
            {
                return new HoldOutcome([], Overdraft: false, new BudgetDenial
                {
                    Scope = Scope,
                    Window = limit.Window,
                    SpentCents = totals.Charged,
                    ReservedCents = totals.Reserved,
                    LimitCents = limit.LimitCents + overdraftCents,
                    RequestedCents = amountCents,
                });
            }

            overdraft |= amountCents > 0 && after > limit.LimitCents;
            windows.Add(new HeldWindow { Window = limit.Window, WindowStart = start });
        }

        foreach (var window in windows)
        {
            Add(window, charged: 0m, reserved: amountCents);
        }

        _holds[reservationId] = new Hold(amountCents, windows, expiresAt, tentativeUntil, ChargedCents: 0m);
        return new HoldOutcome(windows, overdraft, Denial: null);
    }

    /// <summary>
    /// What may still be held in the scope now: the smallest room left in any current window (without overdraft);
    /// null when the scope is unlimited. A budget slice is sized from it.
    /// </summary>
    public decimal? Headroom(DateTimeOffset now)
    {
        if (Policy is null)
        {
            return null;
        }

        var room = decimal.MaxValue;
        foreach (var limit in Policy.Windows)
        {
            var totals = _windows.GetValueOrDefault((limit.Window, BudgetWindows.StartOf(limit.Window, now, _zone)));
            room = Math.Min(room, Math.Max(0m, limit.LimitCents - totals.Charged - totals.Reserved));
        }

        return room;
    }

    /// <summary>
    /// A pending reservation (a budget slice) has been charged <paramref name="chargedCents"/> in all so far: the part
    /// not counted yet moves from reserved to charged. Totals only grow, so a late or repeated notice changes nothing.
    /// False when the hold is unknown or the notice is not news.
    /// </summary>
    public bool ChargeSoFar(string reservationId, decimal chargedCents)
    {
        if (!_holds.TryGetValue(reservationId, out var hold) || chargedCents <= hold.ChargedCents)
        {
            return false;
        }

        var released = BudgetMath.Outstanding(hold.AmountCents, hold.ChargedCents) - BudgetMath.Outstanding(hold.AmountCents, chargedCents);
        foreach (var window in hold.Windows)
        {
            Add(window, chargedCents - hold.ChargedCents, -released);
        }

        _holds[reservationId] = hold with { ChargedCents = chargedCents };
        return true;
    }

    /// <summary>The hold's reservation is durable: no longer tentative.</summary>
    public void Confirm(string reservationId)
    {
        if (_holds.TryGetValue(reservationId, out var hold))
        {
            _holds[reservationId] = hold with { TentativeUntil = null };
        }
    }

    /// <summary>Gives the hold's room back (its reservation was released, or never written). False when unknown.</summary>
    public bool Release(string reservationId) => Settle(reservationId, chargedCents: 0m);

    /// <summary>
    /// Replaces what the hold still holds by a charge (its reservation was committed, or settled at TTL for what it still
    /// held). False when unknown.
    /// </summary>
    public bool Charge(string reservationId, decimal chargedCents) => Settle(reservationId, chargedCents);

    /// <summary>
    /// Holds whose TTL passed at <paramref name="now"/>, or still tentative at <paramref name="wallNow"/> (the
    /// tentative deadline is real elapsed time, since it waits out a store write): each needs its reservation read.
    /// </summary>
    public IReadOnlyList<string> DueForCheck(DateTimeOffset now, DateTimeOffset wallNow) =>
        [.. _holds.Where(h => h.Value.ExpiresAt <= now || h.Value.TentativeUntil <= wallNow).Select(h => h.Key)];

    /// <summary>True when the hold is still tentative (its reservation may never have been written).</summary>
    public bool IsTentative(string reservationId) => _holds.TryGetValue(reservationId, out var hold) && hold.TentativeUntil is not null;

    /// <summary>
    /// Forgets windows that are no longer current at <paramref name="now"/>, and holds only in them: what happens
    /// to those reservations later changes no window this account decides on.
    /// </summary>
    public void Roll(DateTimeOffset now)
    {
        var current = CurrentWindows(now).Select(w => (w.Window, w.WindowStart)).ToHashSet();
        foreach (var key in _windows.Keys.Where(k => !current.Contains(k)).ToList())
        {
            _windows.Remove(key);
        }

        foreach (var id in _holds.Where(h => h.Value.Windows.All(w => !current.Contains((w.Window, w.WindowStart)))).Select(h => h.Key).ToList())
        {
            _holds.Remove(id);
        }
    }

    /// <summary>Charged and reserved in one window (zero when nothing was counted).</summary>
    public (decimal ChargedCents, decimal ReservedCents) TotalsOf(WindowKind window, DateTimeOffset start)
    {
        var totals = _windows.GetValueOrDefault((window, start));
        return (totals.Charged, totals.Reserved);
    }

    private bool Settle(string reservationId, decimal chargedCents)
    {
        if (!_holds.Remove(reservationId, out var hold))
        {
            return false;
        }

        foreach (var window in hold.Windows)
        {
            Add(window, chargedCents, -BudgetMath.Outstanding(hold.AmountCents, hold.ChargedCents));
        }

        return true;
    }

    private void Add(HeldWindow window, decimal charged, decimal reserved)
    {
        var key = (window.Window, window.WindowStart);
        var totals = _windows.GetValueOrDefault(key);
        _windows[key] = new Totals(totals.Charged + charged, totals.Reserved + reserved);
    }

    private readonly record struct Totals(decimal Charged, decimal Reserved);

    private sealed record Hold(decimal AmountCents, IReadOnlyList<HeldWindow> Windows, DateTimeOffset ExpiresAt, DateTimeOffset? TentativeUntil, decimal ChargedCents);
}

/// <summary>The result of <see cref="ScopeAccount.TryHold"/>.</summary>
/// <param name="Windows">The windows room was taken in.</param>
/// <param name="Overdraft">True when a window admitted it only thanks to the overdraft.</param>
/// <param name="Denial">Why not; null when held.</param>
public sealed record HoldOutcome(IReadOnlyList<HeldWindow> Windows, bool Overdraft, BudgetDenial? Denial);
