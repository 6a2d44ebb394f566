using System.Threading.Channels;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// Group commit: reservations the governors approved, arriving together on this node, are written in one store
/// transaction — each still all-or-nothing on its own — and every caller is answered only after that
/// transaction is durable. Under load this turns N flushes into one; alone, a request is a batch of one.
/// </summary>
public sealed class ReservationBatcher : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly IBudgetStore _store;
    private readonly int _maxBatch;
    private readonly Task[] _writers;

    /// <summary>Starts the writers.</summary>
    public ReservationBatcher(IBudgetStore store, NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _maxBatch = options.ReservationBatchSize;
        _writers = Enumerable.Range(0, options.ReservationWriters).Select(_ => Task.Run(WriteAsync)).ToArray();
    }

    /// <summary>
    /// Writes the reservation as part of the next batch. A caller that stops waiting (cancellation) does not withdraw the
    /// request: if it was written, it is a pending reservation that its TTL settles, like any abandoned one.
    /// </summary>
    public Task<ReserveResult> ReserveAsync(StoreReservation reservation, CancellationToken cancellationToken)
    {
        var pending = new Pending(reservation, new TaskCompletionSource<ReserveResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(ReservationBatcher), "The node is stopping.");
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Lets queued reservations finish, then stops the writers.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var outcomes = await _store.ReserveBatchAsync([.. batch.Select(p => p.Reservation)], CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(outcomes[i]);
                }
            }
            catch (Exception ex)
            {
                // Nothing in the batch was approved (its transaction did not commit): every caller gets the error.
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(ex);
                }
            }
        }
    }

    private sealed record Pending(StoreReservation Reservation, TaskCompletionSource<ReserveResult> Done);
}
