namespace CostOrchestrator.Core.Budget;

/// <summary>
/// A silo's slice of a scope chain's head-room: an amount its governors hold durably for one lease (an ordinary
/// reservation), which the silo spends down locally, one call at a time, with no grain call and no store write. A call
/// takes its worst case; its commit turns that into the actual cost, recorded here until the slice is next charged in
/// the store. The slice never lets what is held and charged exceed what was granted, so the silo can never spend more
/// than its governors already reserved for it. Safe to use from many threads.
/// </summary>
public sealed class BudgetSlice
{
    private readonly Lock _lock = new();
    private List<SliceCharge> _unflushed = [];
    private decimal _heldCents;
    private decimal _chargedCents;
    private decimal _flushedCents;
    private int _inFlight;
    private long _taken;
    private bool _closed;

    /// <summary>A slice of <paramref name="grantedCents"/> under the lease <paramref name="leaseId"/>.</summary>
    /// <param name="leaseId">The reservation that holds the slice's room in every governor of the chain.</param>
    /// <param name="grantedCents">What the lease reserved.</param>
    /// <param name="takeUntil">No call is taken from the slice from this moment (its lifetime, or its windows' end).</param>
    /// <param name="maxCalls">At most this many calls are taken from it.</param>
    public BudgetSlice(string leaseId, decimal grantedCents, DateTimeOffset takeUntil, int maxCalls)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(grantedCents);
        LeaseId = leaseId;
        GrantedCents = grantedCents;
        TakeUntil = takeUntil;
        MaxCalls = maxCalls;
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
    public decimal RemainingCents
    {
        get
        {
            lock (_lock)
            {
                return GrantedCents - _heldCents - _chargedCents;
            }
        }
    }

    /// <summary>What committed calls cost so far (flushed or not).</summary>
    public decimal ChargedCents
    {
        get
        {
            lock (_lock)
            {
                return _chargedCents;
            }
        }
    }

    /// <summary>True once closed and no call holds room in it any more: what it will be charged is final.</summary>
    public bool IsDrained
    {
        get
        {
            lock (_lock)
            {
                return _closed && _inFlight == 0;
            }
        }
    }

    /// <summary>True once no more calls are taken.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="worstCaseCents"/> for one call if the slice has room for it, is open, and
    /// <paramref name="now"/> is before its end. A slice that has taken all the calls it may, or has too little left
    /// for the call, closes: the next call goes to a fresh slice (or to the governors).
    /// </summary>
    public bool TryTake(decimal worstCaseCents, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(worstCaseCents);
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            if (now >= TakeUntil || _taken >= MaxCalls || _heldCents + _chargedCents + worstCaseCents > GrantedCents)
            {
                _closed = true;
                return false;
            }

            _heldCents += worstCaseCents;
            _inFlight++;
            _taken++;
            return true;
        }
    }

    /// <summary>A call taken from the slice is done and cost <see cref="SliceCharge.ActualCents"/>: its worst case is replaced by it.</summary>
    public void Commit(SliceCharge charge)
    {
        ArgumentNullException.ThrowIfNull(charge);
        lock (_lock)
        {
            _heldCents -= charge.EstimatedCents;
            _chargedCents += charge.ActualCents;
            _inFlight--;
            _unflushed.Add(charge);
        }
    }

    /// <summary>A call taken from the slice did not happen (or failed before anything billable): its worst case is given back.</summary>
    public void Release(decimal worstCaseCents)
    {
        lock (_lock)
        {
            _heldCents -= worstCaseCents;
            _inFlight--;
        }
    }

    /// <summary>Stops taking calls; those in flight still commit or release.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }
    }

    /// <summary>How many committed calls wait to be charged in the store.</summary>
    public int UnflushedCount
    {
        get
        {
            lock (_lock)
            {
                return _unflushed.Count;
            }
        }
    }

    /// <summary>
    /// The committed calls not yet charged in the store, and what the lease will have been charged in all once they are
    /// (the running total the store and the governors record). They leave the slice: confirm the write with
    /// <see cref="Flushed"/>, or give them back with <see cref="Unflush"/> if it failed. One flush at a time.
    /// </summary>
    public (IReadOnlyList<SliceCharge> Charges, decimal ChargedSoFarCents) TakeUnflushed()
    {
        lock (_lock)
        {
            var charges = _unflushed;
            _unflushed = [];
            return (charges, _flushedCents + charges.Sum(c => c.ActualCents));
        }
    }

    /// <summary>The charges taken by the last <see cref="TakeUnflushed"/> are in the store: the lease was charged this much in all.</summary>
    public void Flushed(decimal chargedSoFarCents)
    {
        lock (_lock)
        {
            _flushedCents = chargedSoFarCents;
        }
    }

    /// <summary>What the store has recorded as charged to the lease.</summary>
    public decimal FlushedCents
    {
        get
        {
            lock (_lock)
            {
                return _flushedCents;
            }
        }
    }

    /// <summary>Puts back charges whose write failed, ahead of those committed since.</summary>
    public void Unflush(IReadOnlyList<SliceCharge> charges)
    {
        lock (_lock)
        {
            _unflushed.InsertRange(0, charges);
        }
    }
}
