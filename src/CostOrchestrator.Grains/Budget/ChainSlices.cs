using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// One scope chain's slices on this silo: the one calls take from, the next one (leased ahead, before the current
/// runs out), and those that ended but whose calls are still being charged or whose lease is not given back yet.
/// </summary>
internal sealed class ChainSlices(IReadOnlyList<string> scopes, ChargeAttribution attribution)
{
    private readonly Lock _lock = new();
    private readonly List<BudgetSlice> _ended = [];
    private volatile BudgetSlice? _current;
    private volatile BudgetSlice? _next;
    private volatile int _leasing;
    private decimal? _lastUsedCents;
    private DateTimeOffset _retryAt;

    /// <summary>The chain's scopes, each once, broadest first.</summary>
    public IReadOnlyList<string> Scopes { get; } = scopes;

    /// <summary>What the chain's leases are attributed to (the first call's provider and capability).</summary>
    public ChargeAttribution Attribution { get; } = attribution with { RunId = null, Step = null };

    /// <summary>The lease being asked for (or the last one asked for): calls between slices wait for it.</summary>
    public Task? Leasing { get; set; }

    /// <summary>Serialises writes of this chain's charges.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The slice calls take from now.</summary>
    public BudgetSlice? Current => _current;

    /// <summary>The slice leased ahead.</summary>
    public BudgetSlice? Next
    {
        get
        {
            lock (_lock)
            {
                return _next;
            }
        }
    }

    /// <summary>No lease is asked for before this (a refusal, or a failure, backs off).</summary>
    public DateTimeOffset RetryAt
    {
        get
        {
            lock (_lock)
            {
                return _retryAt;
            }
        }
        set
        {
            lock (_lock)
            {
                _retryAt = value;
            }
        }
    }

    /// <summary>What the last slice that ended used (held and charged): the next lease is sized from it.</summary>
    public decimal? LastUsedCents
    {
        get
        {
            lock (_lock)
            {
                return _lastUsedCents;
            }
        }
    }

    /// <summary>A next slice is leased or being leased (read without the lock: a hint for the hot path).</summary>
    public bool NextOnItsWay => _leasing != 0 || _next is not null;

    /// <summary>True for the one caller that may lease now (one lease in flight per chain).</summary>
    public bool TryStartLeasing()
    {
        lock (_lock)
        {
            if (_leasing != 0 || _next is not null)
            {
                return false;
            }

            _leasing = 1;
            return true;
        }
    }

    /// <summary>The lease in flight is done (taken or not).</summary>
    public void EndLeasing()
    {
        lock (_lock)
        {
            _leasing = 0;
        }
    }

    /// <summary>A new slice: current if there is none open, else next.</summary>
    public void Add(BudgetSlice slice)
    {
        lock (_lock)
        {
            if (_current is null || _current.IsClosed)
            {
                if (_current is not null)
                {
                    EndLocked(_current);
                }

                _current = slice;
            }
            else
            {
                _next = slice;
            }
        }
    }

    /// <summary>The slice takes no more calls: the next one (if leased) becomes current.</summary>
    public void Retire(BudgetSlice slice)
    {
        lock (_lock)
        {
            slice.Close();
            if (ReferenceEquals(_current, slice))
            {
                EndLocked(slice);
                _current = _next;
                _next = null;
            }
        }
    }

    /// <summary>Closes every slice (the silo is stopping).</summary>
    public void CloseAll()
    {
        lock (_lock)
        {
            foreach (var slice in new[] { _current, _next })
            {
                if (slice is not null)
                {
                    slice.Close();
                    EndLocked(slice);
                }
            }

            _current = null;
            _next = null;
        }
    }

    /// <summary>Every slice the chain still has, current first.</summary>
    public IReadOnlyList<BudgetSlice> All()
    {
        lock (_lock)
        {
            var all = new List<BudgetSlice>(_ended.Count + 2);
            if (_current is not null)
            {
                all.Add(_current);
            }

            if (_next is not null)
            {
                all.Add(_next);
            }

            all.AddRange(_ended);
            return all;
        }
    }

    /// <summary>The slice's lease was given back.</summary>
    public void Forget(BudgetSlice slice)
    {
        lock (_lock)
        {
            _ended.Remove(slice);
        }
    }

    private void EndLocked(BudgetSlice slice)
    {
        _lastUsedCents = slice.GrantedCents - slice.RemainingCents;
        if (!_ended.Contains(slice))
        {
            _ended.Add(slice);
        }
    }
}
