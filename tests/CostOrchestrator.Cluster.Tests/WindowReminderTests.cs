using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cluster.Tests;

public sealed class WindowReminderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WindowReminder_TwoOfThreeSilosKilledBeforeMidnight_TheSurvivorRollsTheWindowAndWakesTheQueuedRun()
    {
        // The domain clock runs in real time; once the cluster is up it is put 30 s before midnight, so the governor's
        // Orleans reminder falls due for real.
        var clock = new OffsetTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        await using var cluster = await TestCluster.StartAsync(3, clock);
        var survivor = cluster["node-3"];
        await survivor.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 6m));
        clock.SetNow(new DateTimeOffset(2026, 3, 10, 23, 59, 30, TimeSpan.Zero));
        await survivor.SetDailyLimitAsync("global", 10m);
        var pipeline = PipelineParser.Parse("""
            { "id": "nightly", "steps": [ { "name": "clip", "invoke": { "capability": "ai-video-generate", "fallback": "queue", "cache": false, "inputs": { "p": "{{ input.p }}" } } } ] }
            """).Pipeline!;
        var first = await survivor.Pipelines.RunAsync(pipeline, JsonSerializer.SerializeToElement(new { p = "a" }), Ct);
        var second = await survivor.Pipelines.RunAsync(pipeline, JsonSerializer.SerializeToElement(new { p = "b" }), Ct);
        Assert.True(first.Run!.Status == RunStatus.Succeeded, $"first run: {JsonSerializer.Serialize(first.Run)}");
        Assert.True(second.Run!.Status == RunStatus.Queued, $"second run: {JsonSerializer.Serialize(second.Run)}");

        // Whichever silo held the governor or owned its reminder's range, two of three are gone before the boundary.
        await cluster.KillAsync("node-1");
        await cluster.KillAsync("node-2");

        var resumed = await Eventually.ReturnsAsync(
            () => survivor.Grains.GetGrain<IPipelineRunGrain>(second.Run.RunId).GetAsync(Ct),
            run => run?.Status == RunStatus.Succeeded, Ct, TimeSpan.FromSeconds(90));
        // Woken once: by the boundary, not before it.
        Assert.True(resumed!.Resumes == 1, $"resumed run: {JsonSerializer.Serialize(resumed)}");
        var today = (await survivor.BudgetAsync("global")).Windows[0];
        Assert.True(today.WindowStart == new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero) && today.SpentCents == 6m,
            $"global's window: {JsonSerializer.Serialize(today)}");
    }
}
