using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Budget;

// The background side: the loop that ends slices, charges their calls in batches and gives leases back, and stopping.
public sealed partial class BudgetSlices
{
    // Closes every slice, waits (bounded) for their calls in flight, charges what they cost and gives the leases back.
    private async Task StopAsync(CancellationToken cancellationToken)
    {
        var loop = _loop;
        _loop = null;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (var chain in _chains.Values)
        {
            chain.CloseAll();
        }

        var deadline = TimeProvider.System.GetUtcNow() + DrainOnStop;
        foreach (var chain in _chains.Values)
        {
            foreach (var slice in chain.All())
            {
                while (!slice.IsDrained && TimeProvider.System.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None).ConfigureAwait(false);
                }

                // Not drained in time: the lease stays pending with what it still holds; its TTL settles it conservatively.
                try
                {
                    if (slice.IsDrained)
                    {
                        await EndSliceAsync(chain, slice, CancellationToken.None).ConfigureAwait(false);
                    }
                    else
                    {
                        await FlushSliceAsync(chain, slice, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                catch (Exception ex)
                {
                    // The store is gone (the silo is being cut off): the lease is settled like any of a dead silo.
                    LogTickFailed(ex);
                }
            }
        }
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(Options.FlushEvery, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await TickAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                LogTickFailed(ex);
            }
        }
    }

    // Ends slices past their time, charges committed calls, and gives back the leases of slices that are done.
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        // Chains are kept once used (one small object per scope chain seen on this silo): dropping an idle one could race
        // a call that just found it and leases on it, leaving a lease no tick would ever give back.
        foreach (var chain in _chains.Values)
        {
            if (chain.Current is { } current && now >= current.TakeUntil)
            {
                chain.Retire(current);
            }

            foreach (var slice in chain.All())
            {
                if (slice.IsDrained && !ReferenceEquals(slice, chain.Current) && !ReferenceEquals(slice, chain.Next))
                {
                    await EndSliceAsync(chain, slice, cancellationToken).ConfigureAwait(false);
                }
                else if (slice.UnflushedCount > 0)
                {
                    await FlushSliceAsync(chain, slice, cancellationToken).ConfigureAwait(false);
                }
            }

        }
    }

    // Writes the slice's committed calls to the store as one transaction, then tells the chain's governors the lease's
    // running charge. One flush of a slice at a time (its chain's gate).
    private async Task FlushSliceAsync(ChainSlices chain, BudgetSlice slice, CancellationToken cancellationToken)
    {
        await chain.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (charges, chargedSoFar) = slice.TakeUnflushed();
            if (charges.Count == 0)
            {
                return;
            }

            ReservationChange change;
            try
            {
                change = await _store.ChargeSliceAsync(slice.LeaseId, charges, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                slice.Unflush(charges);
                throw;
            }

            if (!change.Applied && change.Reservation is { State: not ReservationState.Pending })
            {
                // The lease was settled without us (its TTL passed while this silo stalled): what it held was charged then,
                // at least what these calls cost. Nothing more to write; no more calls on it.
                slice.Close();
                LogLeaseSettled(slice.LeaseId, charges.Count);
                return;
            }

            slice.Flushed(chargedSoFar);
            _book.MarkChanged();
            await TellGovernorsAsync(chain, slice.LeaseId, chargedSoFar, released: false).ConfigureAwait(false);
        }
        finally
        {
            chain.Gate.Release();
        }
    }

    // The slice is closed and its calls are done: its last charges are written and the rest of its lease given back.
    private async Task EndSliceAsync(ChainSlices chain, BudgetSlice slice, CancellationToken cancellationToken)
    {
        await FlushSliceAsync(chain, slice, cancellationToken).ConfigureAwait(false);
        var change = await _store.ReleaseAsync(slice.LeaseId, cancellationToken).ConfigureAwait(false);
        _book.MarkChanged();
        chain.Forget(slice);
        if (change.Applied)
        {
            await TellGovernorsAsync(chain, slice.LeaseId, slice.FlushedCents, released: true).ConfigureAwait(false);
        }
    }

    // A governor that misses this (its activation moved) reads the lease's running charge from the store when it loads
    // or checks the hold, so the notice only needs to be best effort.
    private Task TellGovernorsAsync(ChainSlices chain, string leaseId, decimal chargedSoFar, bool released) =>
        Task.WhenAll(chain.Scopes.Select(scope => _grains.GetGrain<IGovernorHoldsGrain>(scope).SliceChargedAsync(leaseId, chargedSoFar, released, CancellationToken.None)))
            .ContinueWith(t => t.Exception is { } ex ? LogTellFailed(ex.GetBaseException(), leaseId) : true, TaskScheduler.Default);
}
