using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Grains.Tests.Registry;

/// <summary>A subscription's monthly_quota, end to end through a node: counted per successful call, enforced by routing.</summary>
public sealed class ProviderQuotaTests
{
    private static readonly PipelineDefinition _search = Pipelines.Pipelines.OneStep("stock-search", """, "cache": false""", id: "search");
    private static readonly PipelineDefinition _cachedSearch = Pipelines.Pipelines.OneStep("stock-search", id: "cached-search");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Input(string text) => JsonSerializer.SerializeToElement(new { text });

    private static Task AddStockProvidersAsync(CostOrchestratorNode node, int quota) => node.AddProvidersAsync(
        TestProviders.Subscription("storyblocks", "stock-search", monthlyQuota: quota),
        TestProviders.Fixed("shutterstock", "stock-search", 3m));

    private static async Task<RunRecord> RunAsync(CostOrchestratorNode node, string text, PipelineDefinition? pipeline = null)
    {
        var result = await node.Pipelines.RunAsync(pipeline ?? _search, Input(text), Ct);
        Assert.Empty(result.Errors);
        Assert.Equal(RunStatus.Succeeded, result.Run!.Status);
        return result.Run;
    }

    private static Task<QuotaUsage> UsageAsync(CostOrchestratorNode node) => node.Grains.GetGrain<IProviderQuotaGrain>("storyblocks").GetUsageAsync(Ct);

    private static string? DroppedStoryblocks(RunRecord run) => run.Steps[0].Decision!.Candidates.Single(c => c.ProviderId == "storyblocks").Dropped;

    [Fact]
    public async Task Run_QuotaUsedUp_NextCallRoutesElsewhereAndTheDecisionSaysWhy_CacheHitsAreNoUse()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        await AddStockProvidersAsync(node, quota: 2);

        var first = await RunAsync(node, "sunset", _cachedSearch);
        var second = await RunAsync(node, "harbour");
        var hit = await RunAsync(node, "sunset", _cachedSearch);
        var third = await RunAsync(node, "mountain");

        Assert.Equal(["storyblocks", "storyblocks", "storyblocks"], new[] { first, second, hit }.Select(r => r.Steps[0].ProviderId));
        Assert.True(hit.Steps[0].CacheHit);
        Assert.Equal("shutterstock", third.Steps[0].ProviderId);
        Assert.Equal(3m, third.TotalCostCents);
        Assert.Equal("monthly_quota reached: 2 of 2 uses this month", DroppedStoryblocks(third));
        Assert.False(third.Steps[0].Decision!.Candidates.Single(c => c.ProviderId == "storyblocks").BudgetLimited);
        Assert.Equal(2, (await UsageAsync(node)).Used);
        var ledger = await node.Store.GetLedgerAsync(new LedgerQuery { Scope = "provider:storyblocks" }, Ct);
        Assert.Equal(2, ledger.Count(e => !e.CacheHit));
    }

    [Fact]
    public async Task Run_NextCalendarMonthOfTheNodesTimeZone_IsACandidateAgain()
    {
        // April starts at midnight in Berlin: 22:00 UTC on March 31 (summer time).
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 3, 31, 21, 0, 0, TimeSpan.Zero));
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, time, configure: o => o with { TimeZone = berlin }, cancellationToken: Ct);
        await AddStockProvidersAsync(node, quota: 1);

        var march = await RunAsync(node, "one");
        var overQuota = await RunAsync(node, "two");
        time.AdvanceTo(new DateTimeOffset(2026, 3, 31, 21, 59, 59, TimeSpan.Zero));
        var lastSecondOfMarch = await RunAsync(node, "three");
        time.AdvanceTo(new DateTimeOffset(2026, 3, 31, 22, 0, 0, TimeSpan.Zero));
        var april = await RunAsync(node, "four");

        Assert.Equal(["storyblocks", "shutterstock", "shutterstock", "storyblocks"],
            new[] { march, overQuota, lastSecondOfMarch, april }.Select(r => r.Steps[0].ProviderId));
        Assert.Equal("monthly_quota reached: 1 of 1 uses this month", DroppedStoryblocks(lastSecondOfMarch));
        Assert.Equal(new QuotaUsage { MonthStart = new DateTimeOffset(2026, 3, 31, 22, 0, 0, TimeSpan.Zero), Used = 1 }, await UsageAsync(node));
    }

    [Fact]
    public async Task Restart_OnTheSameDataDirectory_CountsTheMonthsUsesFromTheLedger()
    {
        using var dir = new TempDirectory();
        await using (var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct))
        {
            await AddStockProvidersAsync(node, quota: 2);
            await RunAsync(node, "one");
            await RunAsync(node, "two");
        }

        await using var restarted = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);

        // The restarted silo has heard of no use yet: its first call asks the quota grain, which counted both from the
        // ledger and refuses, and the call is routed again with that answer.
        var run = await RunAsync(restarted, "three");
        Assert.Equal("shutterstock", run.Steps[0].ProviderId);
        Assert.Equal("monthly_quota reached: 2 of 2 uses this month", DroppedStoryblocks(run));
        Assert.Equal(1, run.Steps[0].Decision!.Candidates.Single(c => c.ProviderId == "shutterstock").Rank);
        var usage = await UsageAsync(restarted);
        Assert.Equal((2, 0), (usage.Used, usage.InFlight));
        Assert.Empty((await restarted.Store.GetProviderUsesAsync("storyblocks", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, Ct)).Pending);
    }

    [Fact]
    public async Task Runs_ManyAtOnceNearTheQuota_AdmitExactlyTheUsesLeft_AndRouteTheRestElsewhere()
    {
        var gated = new GatedProviderAdapter(new SimulatedProviderAdapter());
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, adapter: gated, cancellationToken: Ct);
        await AddStockProvidersAsync(node, quota: 5);
        await RunAsync(node, "warm-up");

        // Every admitted call waits at the gate, in flight, while the others are decided: 4 uses are left.
        var arrived = gated.CloseGate("storyblocks");
        var runs = Enumerable.Range(0, 16).Select(i => RunAsync(node, $"scene {i}")).ToList();
        await arrived;
        await Eventually.ReturnsAsync(() => UsageAsync(node), u => u.InFlight == 4, Ct);
        await Eventually.ReturnsAsync(() => Task.FromResult(runs.Count(r => r.IsCompleted)), done => done == 12, Ct);
        gated.OpenGate("storyblocks");
        var finished = await Task.WhenAll(runs);

        var onSubscription = finished.Where(r => r.Steps[0].ProviderId == "storyblocks").ToList();
        var elsewhere = finished.Where(r => r.Steps[0].ProviderId == "shutterstock").ToList();
        Assert.Equal(4, onSubscription.Count);
        Assert.Equal(12, elsewhere.Count);
        Assert.All(elsewhere, r => Assert.StartsWith(MonthlyQuota.ReachedReason + ": ", DroppedStoryblocks(r), StringComparison.Ordinal));
        Assert.Equal(5, gated.Simulated.CallCount("storyblocks"));
        var usage = await UsageAsync(node);
        Assert.Equal((5, 0), (usage.Used, usage.InFlight));
        Assert.Equal(5, (await node.Store.GetLedgerAsync(new LedgerQuery { Scope = "provider:storyblocks" }, Ct)).Count);
    }
}
