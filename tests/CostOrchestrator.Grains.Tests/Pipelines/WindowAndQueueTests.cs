using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;
using CostOrchestrator.Grains.Hosting;

namespace CostOrchestrator.Grains.Tests.Pipelines;

public sealed class WindowAndQueueTests
{
    [Fact]
    public async Task WindowBoundary_ResetsSpendAndWakesARunParkedByFallbackQueue()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 10, 22, 0, 0, TimeSpan.Zero));
        await using var node = await TestNode.StartAsync(dir.Path, clock, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 6m));
        await node.SetDailyLimitAsync("global", 10m);
        var pipeline = Pipelines.OneStep("ai-video-generate", """, "fallback": "queue", "cache": false""");

        var first = await node.Pipelines.RunAsync(pipeline, JsonSerializer.SerializeToElement(new { text = "a" }), ct);
        var second = await node.Pipelines.RunAsync(pipeline, JsonSerializer.SerializeToElement(new { text = "b" }), ct);

        Assert.True(first.Run!.Status == RunStatus.Succeeded, first.Run.Error?.Message);
        Assert.Equal(RunStatus.Queued, second.Run!.Status);
        Assert.Contains("global", second.Run.QueuedReason, StringComparison.Ordinal);

        // A tick before the boundary changes nothing...
        clock.Advance(TimeSpan.FromMinutes(90));
        Assert.Equal(1, await node.DeliverRemindersAsync());
        Assert.Equal(RunStatus.Queued, (await node.Grains.GetGrain<IPipelineRunGrain>(second.Run.RunId).GetAsync(ct))!.Status);

        // ...and at midnight the governor's reminder rolls the window and resumes the parked run.
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await node.DeliverRemindersAsync());
        var resumed = await node.Grains.GetGrain<IPipelineRunGrain>(second.Run.RunId).WaitAsync(ct);

        Assert.Equal(RunStatus.Succeeded, resumed!.Status);
        Assert.Equal(6m, resumed.TotalCostCents);
        var today = (await node.BudgetAsync("global")).Windows[0];
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero), today.WindowStart);
        Assert.Equal(6m, today.SpentCents);
        var yesterday = await node.Store.GetSpendAsync([new SpendKey("global", WindowKind.Day, new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero))], ct);
        Assert.Equal(6m, yesterday[0].ChargedCents);

        // A second tick right after the roll is early for the next boundary: the run is not resumed twice.
        await node.DeliverRemindersAsync();
        Assert.Equal(1, (await node.Grains.GetGrain<IPipelineRunGrain>(second.Run.RunId).GetAsync(ct))!.Resumes);
    }

    [Fact]
    public async Task RaisingALimit_WakesQueuedRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 6m));
        await node.SetDailyLimitAsync("global", 5m);
        var queued = await node.Pipelines.RunAsync(Pipelines.OneStep("ai-video-generate", """, "fallback": "queue" """), JsonSerializer.SerializeToElement(new { text = "a" }), ct);
        Assert.Equal(RunStatus.Queued, queued.Run!.Status);

        await node.SetDailyLimitAsync("global", 50m);
        var resumed = await node.Grains.GetGrain<IPipelineRunGrain>(queued.Run.RunId).WaitAsync(ct);

        Assert.Equal(RunStatus.Succeeded, resumed!.Status);
        Assert.Equal(1, resumed.Resumes);
    }
}
