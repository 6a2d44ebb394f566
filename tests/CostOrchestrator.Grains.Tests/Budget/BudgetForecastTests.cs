using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Tests.Common;
using CostOrchestrator.Grains.Hosting;

namespace CostOrchestrator.Grains.Tests.Budget;

/// <summary>A scope's budget carries its forecast: the burn rate, where the window ends at it, and when it runs out.</summary>
public sealed class BudgetForecastTests
{
    [Fact]
    public async Task SpendAtSixInTheMorning_ProjectsTheDayAndTheHourItRunsOut()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 10, 6, 0, 0, TimeSpan.Zero));
        await using var node = await TestNode.StartAsync(dir.Path, clock, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));
        await node.SetDailyLimitAsync("global", 200m);
        var pipeline = Pipelines.Pipelines.OneStep("ai-video-generate", """, "cache": false""");
        for (var i = 0; i < 3; i++)
        {
            var run = (await node.Pipelines.RunAsync(pipeline, JsonSerializer.SerializeToElement(new { text = $"clip {i}" }), ct)).Run!;
            Assert.Equal(RunStatus.Succeeded, run.Status);
        }

        var day = (await node.BudgetAsync("global")).Windows[0];

        Assert.Equal(60m, day.SpentCents);
        Assert.Equal(10m, day.BurnRateCentsPerHour); // 60¢ over the six hours since midnight
        Assert.Equal(240m, day.ProjectedCents); // + 10¢/h for the 18 hours left
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 20, 0, 0, TimeSpan.Zero), day.ExhaustsAt); // 140¢ of head-room at 10¢/h
    }
}
