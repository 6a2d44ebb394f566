using System.Threading.Channels;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// Group commit: requests arriving together are handed to one write (one store transaction, each request still
/// all-or-nothing inside it), and every caller is answered only after that write is durable. Under load this turns
/// N flushes into one; alone, a request is a batch of one.
/// </summary>
/// <typeparam name="TRequest">What one caller asks to write.</typeparam>
/// <typeparam name="TResult">What the write answers it.</typeparam>
public sealed class GroupCommit<TRequest, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> _write;
    private readonly int _maxBatch;
    private readonly Task[] _writers;

    /// <summary>Starts the writers.</summary>
    /// <param name="write">Writes a batch in one transaction; results in request order.</param>
    /// <param name="maxBatch">Most requests in one write.</param>
    /// <param name="writers">Writes in flight at once.</param>
    public GroupCommit(Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> write, int maxBatch, int writers)
    {
        _write = write;
        _maxBatch = maxBatch;
        _writers = Enumerable.Range(0, writers).Select(_ => Task.Run(WriteAsync)).ToArray();
    }

    /// <summary>
    /// Writes the request as part of the next batch. A caller that stops waiting (cancellation) does not withdraw the
    /// request: if it was written, it stays written (a reservation is then settled by its TTL like any abandoned one).
    /// </summary>
    public Task<TResult> WriteAsync(TRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommit<TRequest, TResult>), "The node is stopping.");
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Lets queued requests finish, then stops the writers.</summary>
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
                var results = await _write([.. batch.Select(p => p.Request)]).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                // The transaction did not commit: nothing in the batch was written, and every caller gets the error.
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(ex);
                }
            }
        }
    }

    private sealed record Pending(TRequest Request, TaskCompletionSource<TResult> Done);
}
