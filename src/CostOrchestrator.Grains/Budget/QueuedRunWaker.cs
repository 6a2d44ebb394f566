using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// Resumes runs parked by <c>fallback: queue</c> when head-room may have appeared (a window rolled, a
/// limit was raised). Each resumed run re-checks its budget and parks again if there is still no room.
/// </summary>
public sealed class QueuedRunWaker
{
    private readonly IRunStore _runs;
    private readonly IGrainFactory _grains;

    /// <summary>Creates the waker.</summary>
    public QueuedRunWaker(IRunStore runs, IGrainFactory grains)
    {
        _runs = runs;
        _grains = grains;
    }

    /// <summary>Resumes every queued run. Returns how many were woken.</summary>
    public async Task<int> WakeAsync(CancellationToken cancellationToken)
    {
        // Collect first, then resume: resumed runs leave the queued set, which would shift a paged listing.
        var queued = new List<string>();
        while (true)
        {
            var page = await _runs.ListRunsAsync(new RunQuery { Status = RunStatus.Queued, Limit = 500, Offset = queued.Count }, cancellationToken).ConfigureAwait(false);
            queued.AddRange(page.Select(r => r.RunId));
            if (page.Count < 500)
            {
                break;
            }
        }

        foreach (var runId in queued)
        {
            await _grains.GetGrain<IPipelineRunGrain>(runId).ResumeAsync(cancellationToken).ConfigureAwait(false);
        }

        return queued.Count;
    }
}
