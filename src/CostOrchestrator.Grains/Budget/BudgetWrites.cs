using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// This silo's durable budget writes, each grouped with the others of its kind that arrive together: reservations
/// the governors approved, and commits. One transaction (one flush) per group; callers answered after it.
/// </summary>
public sealed class BudgetWrites : IAsyncDisposable
{
    private readonly GroupCommit<StoreReservation, ReserveResult> _reservations;
    private readonly GroupCommit<StoreCommit, ReservationChange> _commits;

    /// <summary>Starts the writers.</summary>
    public BudgetWrites(IBudgetStore store, BudgetBook book, NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(options);
        _reservations = new(async batch =>
        {
            var written = await store.ReserveBatchAsync(batch, CancellationToken.None).ConfigureAwait(false);
            book.MarkChanged();
            return written;
        }, options.WriteBatchSize, options.BatchWriters);
        _commits = new(async batch =>
        {
            var written = await store.CommitBatchAsync(batch, CancellationToken.None).ConfigureAwait(false);
            book.MarkChanged();
            return written;
        }, options.WriteBatchSize, options.BatchWriters);
    }

    /// <summary>Writes a reservation in the next group.</summary>
    public Task<ReserveResult> ReserveAsync(StoreReservation reservation, CancellationToken cancellationToken) =>
        _reservations.WriteAsync(reservation, cancellationToken);

    /// <summary>Writes a commit in the next group.</summary>
    public Task<ReservationChange> CommitAsync(StoreCommit commit, CancellationToken cancellationToken) =>
        _commits.WriteAsync(commit, cancellationToken);

    /// <summary>Lets queued writes finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await _reservations.DisposeAsync().ConfigureAwait(false);
        await _commits.DisposeAsync().ConfigureAwait(false);
    }
}
