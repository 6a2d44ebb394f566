namespace CostOrchestrator.Storage.Tests.PostgreSql;

/// <summary>Starts calls together: every task waits on one gate, opened once all of them exist (a barrier, not a sleep).</summary>
internal static class Concurrently
{
    public static async Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> work)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count)
            .Select(i => Task.Run(async () =>
            {
                await gate.Task;
                return await work(i);
            }, TestContext.Current.CancellationToken))
            .ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }
}
