using Orleans.Concurrency;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>
/// One pipeline run, keyed by run id: executes steps in order (route, reserve, cache, invoke, commit,
/// journal) and rolls up cost. Execution happens in the background; read methods interleave.
/// </summary>
public interface IPipelineRunGrain : IGrainWithStringKey
{
    /// <summary>Creates the run and starts it. Calling it again for the same run returns the existing record.</summary>
    Task<RunRecord> StartAsync(RunSubmission submission, CancellationToken cancellationToken = default);

    /// <summary>The run's record now, or null when no such run exists.</summary>
    [AlwaysInterleave]
    Task<RunRecord?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the run is finished or queued, and returns its record.</summary>
    [AlwaysInterleave]
    Task<RunRecord?> WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The record once it has changed after <paramref name="afterRevision"/> (a step started or ended, the run
    /// finished), or as it is after a while without change, or at once when the run is no longer running: a long
    /// poll, for live progress. Start with revision 0.
    /// </summary>
    [AlwaysInterleave]
    Task<RunUpdate> WatchAsync(long afterRevision, CancellationToken cancellationToken = default);

    /// <summary>Cancels the run; pending reservations are released.</summary>
    Task<RunRecord?> CancelAsync(CancellationToken cancellationToken = default);

    /// <summary>Resumes a queued run (its window reset or its limit was raised).</summary>
    Task<RunRecord?> ResumeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a reservation of this run that was settled without a commit (its call's silo died, or its TTL passed)
    /// in the step it was made for, as an unreconciled invocation at the settled amount. Idempotent.
    /// </summary>
    Task AddSettledChargeAsync(Budget.Reservation settled, CancellationToken cancellationToken = default);
}
