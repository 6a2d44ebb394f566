namespace CostOrchestrator.Grains.Pipelines;

/// <summary>
/// Counts a run activation's changes and wakes whoever waits for the next one (<c>WatchAsync</c>'s long poll).
/// Used from the grain's scheduler only, one turn at a time: no locking.
/// </summary>
internal sealed class RunChanges
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many changes this activation has made.</summary>
    public long Revision { get; private set; }

    /// <summary>Completes when the next change is made.</summary>
    public Task Next => _next.Task;

    /// <summary>Records one change and wakes the waiters.</summary>
    public void Changed()
    {
        Revision++;
        var woken = _next;
        _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        woken.SetResult();
    }
}
