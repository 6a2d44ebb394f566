using System.Collections.Concurrent;
using CostOrchestrator.Core.Money;

namespace CostOrchestrator.Core.Budget;

/// <summary>
/// A silo's slice of a scope chain's head-room: an amount its governors hold durably for one lease (an ordinary
/// reservation), which the silo spends down locally, one call at a time, with no grain call and no store write. A call
/// takes its worst case; its commit turns that into the actual cost, recorded here until the slice is next charged in
/// the store. The slice never lets what is held and charged exceed what was granted, so the silo can never spend more
/// than its governors already reserved for it.
/// </summary>
/// <remarks>
/// Many threads decide at once, so the hot fields are integers (micro-cents) changed with interlocked operations rather
/// than under a lock. A call counts as in flight before it looks at whether the slice is closed, so once the slice is
/// closed and nothing is in flight (<see cref="IsDrained"/>), no call can still take from it: what it was charged is final.
/// </remarks>
public sealed class BudgetSlice
{
    private readonly long _grantedMicros;
    private readonly long _halfMicros;
    private readonly DateTimeOffset _halfLife;
    private readonly ConcurrentQueue<SliceCharge> _unflushed = new();
    private readonly Lock _flushLock = new();
    private List<SliceCharge> _retry = [];
    private long _usedMicros;
    private long _chargedMicros;
    private long _flushedMicros;
    private long _taken;
    private int _inFlight;
    private int _closed;

    /// <summary>A slice of <paramref name="grantedCents"/> under the lease <paramref name="leaseId"/>.</summary>
    /// <param name="leaseId">The reservation that holds the slice's room in every governor of the chain.</param>
    /// <param name="grantedCents">What the lease reserved.</param>
    /// <param name="takeUntil">No call is taken from the slice from this moment (its lifetime, or its windows' end).</param>
    /// <param name="maxCalls">At most this many calls are taken from it.</param>
    /// <param name="leasedAt">When it was leased (for <see cref="SliceTake.TakenWantsNext"/>); default: its end less its lifetime is unknown, so half-life is never reported.</param>
    public BudgetSlice(string leaseId, decimal grantedCents, DateTimeOffset takeUntil, int maxCalls, DateTimeOffset? leasedAt = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(grantedCents);
        LeaseId = leaseId;
        GrantedCents = grantedCents;
        TakeUntil = takeUntil;
        MaxCalls = maxCalls;
        _grantedMicros = Cents.ToMicros(grantedCents);
        _halfMicros = _grantedMicros / 2;
        _halfLife = leasedAt is { } at ? at + (takeUntil - at) / 2 : DateTimeOffset.MaxValue;
    }

    /// <summary>The lease's reservation id.</summary>
    public string LeaseId { get; }

    /// <summary>What the lease reserved.</summary>
    public decimal GrantedCents { get; }

    /// <summary>When taking stops.</summary>
    public DateTimeOffset TakeUntil { get; }

    /// <summary>The most calls taken from it.</summary>
    public int MaxCalls { get; }

    /// <summary>What is left to take: granted less what calls in flight hold and what committed calls cost.</summary>
    public decimal RemainingCents => Cents.FromMicros(_grantedMicros - Interlocked.Read(ref _usedMicros));

    /// <summary>What committed calls cost so far (flushed or not).</summary>
    public decimal ChargedCents => Cents.FromMicros(Interlocked.Read(ref _chargedMicros));

    /// <summary>What the store has recorded as charged to the lease.</summary>
    public decimal FlushedCents => Cents.FromMicros(Interlocked.Read(ref _flushedMicros));

    /// <summary>True once no more calls are taken.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>True once closed and no call holds room in it any more: what it will be charged is final.</summary>
    public bool IsDrained => IsClosed && Volatile.Read(ref _inFlight) == 0;

    /// <summary>How many committed calls wait to be charged in the store.</summary>
    public int UnflushedCount => _unflushed.Count + Volatile.Read(ref _retry).Count;

    /// <summary>
    /// Takes <paramref name="worstCaseCents"/> for one call if the slice has room for it, is open, and
    /// <paramref name="now"/> is before its end. A slice that has taken all the calls it may, or has too little left
    /// for the call, closes: the next call goes to a fresh slice (or to the governors).
    /// </summary>
    public bool TryTake(decimal worstCaseCents, DateTimeOffset now) => TryTakeMicros(Cents.RoundUpToMicros(worstCaseCents), now) != SliceTake.Refused;

    /// <summary>
    /// <see cref="TryTake"/> in micro-cents; says too when the slice is past half its grant or half its life, so that
    /// the next one can be leased before this one runs out.
    /// </summary>
    public SliceTake TryTakeMicros(long worstCaseMicros, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(worstCaseMicros);

        // In flight first: a closing slice that sees no call in flight can trust that none will still take.
        Interlocked.Increment(ref _inFlight);
        if (IsClosed)
        {
            Interlocked.Decrement(ref _inFlight);
            return SliceTake.Refused;
        }

        if (now >= TakeUntil || Interlocked.Increment(ref _taken) > MaxCalls)
        {
            return Refuse();
        }

        long used;
        do
        {
            used = Interlocked.Read(ref _usedMicros);
            if (used + worstCaseMicros > _grantedMicros)
            {
                return Refuse();
            }
        }
        while (Interlocked.CompareExchange(ref _usedMicros, used + worstCaseMicros, used) != used);

        return used + worstCaseMicros > _halfMicros || now >= _halfLife ? SliceTake.TakenWantsNext : SliceTake.Taken;
    }

    /// <summary>A call taken from the slice is done and cost <see cref="SliceCharge.ActualCents"/>: its worst case is replaced by it.</summary>
    public void Commit(SliceCharge charge)
    {
        ArgumentNullException.ThrowIfNull(charge);
        var actual = Cents.ToMicros(charge.ActualCents);
        _unflushed.Enqueue(charge);
        Interlocked.Add(ref _chargedMicros, actual);
        Interlocked.Add(ref _usedMicros, actual - Cents.RoundUpToMicros(charge.EstimatedCents));
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>A call taken from the slice did not happen (or failed before anything billable): its worst case is given back.</summary>
    public void Release(decimal worstCaseCents) => ReleaseMicros(Cents.RoundUpToMicros(worstCaseCents));

    /// <summary><see cref="Release"/> in micro-cents.</summary>
    public void ReleaseMicros(long worstCaseMicros)
    {
        Interlocked.Add(ref _usedMicros, -worstCaseMicros);
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Stops taking calls; those in flight still commit or release.</summary>
    public void Close() => Volatile.Write(ref _closed, 1);

    /// <summary>
    /// The committed calls not yet charged in the store, and what the lease will have been charged in all once they are
    /// (the running total the store and the governors record). They leave the slice: confirm the write with
    /// <see cref="Flushed"/>, or give them back with <see cref="Unflush"/> if it failed. One flush at a time.
    /// </summary>
    public (IReadOnlyList<SliceCharge> Charges, decimal ChargedSoFarCents) TakeUnflushed()
    {
        lock (_flushLock)
        {
            var charges = _retry;
            _retry = [];
            while (_unflushed.TryDequeue(out var charge))
            {
                charges.Add(charge);
            }

            var total = Interlocked.Read(ref _flushedMicros);
            foreach (var charge in charges)
            {
                total += Cents.ToMicros(charge.ActualCents);
            }

            return (charges, Cents.FromMicros(total));
        }
    }

    /// <summary>The charges taken by the last <see cref="TakeUnflushed"/> are in the store: the lease was charged this much in all.</summary>
    public void Flushed(decimal chargedSoFarCents) => Interlocked.Exchange(ref _flushedMicros, Cents.ToMicros(chargedSoFarCents));

    /// <summary>Puts back charges whose write failed, ahead of those committed since.</summary>
    public void Unflush(IReadOnlyList<SliceCharge> charges)
    {
        ArgumentNullException.ThrowIfNull(charges);
        lock (_flushLock)
        {
            _retry = [.. charges, .. _retry];
        }
    }

    private SliceTake Refuse()
    {
        Close();
        Interlocked.Decrement(ref _inFlight);
        return SliceTake.Refused;
    }
}

/// <summary>What <see cref="BudgetSlice.TryTakeMicros"/> answered.</summary>
public enum SliceTake
{
    /// <summary>Not taken: the slice is closed, past its end, out of calls or out of room.</summary>
    Refused,

    /// <summary>Taken.</summary>
    Taken,

    /// <summary>Taken, and the slice is past half its grant or its life: time to lease the next one.</summary>
    TakenWantsNext,
}
