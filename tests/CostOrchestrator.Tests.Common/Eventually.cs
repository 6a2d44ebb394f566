namespace CostOrchestrator.Tests.Common;

/// <summary>Polling with a deadline, for what a cluster does on its own schedule (reminders, failure detection).</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Calls <paramref name="read"/> until <paramref name="done"/> holds and returns that value. A read that throws (a
    /// silo not yet declared dead, say) counts as not done. Fails the test at the deadline with the last value or error.
    /// </summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> done, CancellationToken cancellationToken, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline ?? DefaultDeadline);
        var last = "nothing read yet";
        while (true)
        {
            try
            {
                var value = await read().WaitAsync(timeout.Token);
                if (done(value))
                {
                    return value;
                }

                last = $"last value: {value}";
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !timeout.IsCancellationRequested)
            {
                last = $"last error: {ex.GetType().Name}: {ex.Message}";
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"condition not met within {deadline ?? DefaultDeadline}; {last}");
            }
        }
    }
}
