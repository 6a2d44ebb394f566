using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cluster.Tests;

/// <summary>A subscription's monthly quota is one count for the whole cluster, whichever silos call the provider.</summary>
public sealed class ProviderQuotaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Runs_OnTwoSilosNearTheQuota_AdmitExactlyTheUsesLeftBetweenThem()
    {
        var gated = new GatedProviderAdapter(new SimulatedProviderAdapter());
        await using var cluster = await TestCluster.StartAsync(2, adapter: gated);
        await cluster["node-1"].AddProvidersAsync(
            TestProviders.Subscription("storyblocks", "stock-search", monthlyQuota: 3),
            TestProviders.Fixed("shutterstock", "stock-search", 3m));
        var pipeline = PipelineParser.Parse("""
            { "id": "search", "steps": [ { "name": "only", "invoke": { "capability": "stock-search", "cache": false, "inputs": { "q": "{{ input.q }}" } } } ] }
            """).Pipeline!;
        var quota = cluster["node-2"].Grains.GetGrain<IProviderQuotaGrain>("storyblocks");

        // Both silos call at once; admitted calls stay in flight at the gate while the rest are decided.
        var arrived = gated.CloseGate("storyblocks");
        var runs = Enumerable.Range(0, 12)
            .Select(i => cluster[i % 2 == 0 ? "node-1" : "node-2"].Pipelines.RunAsync(pipeline, JsonSerializer.SerializeToElement(new { q = $"scene {i}" }), Ct))
            .ToList();
        await arrived;
        await Eventually.ReturnsAsync(() => quota.GetUsageAsync(Ct), u => u.InFlight == 3, Ct);
        await Eventually.ReturnsAsync(() => Task.FromResult(runs.Count(r => r.IsCompleted)), done => done == 9, Ct);
        gated.OpenGate("storyblocks");
        var finished = (await Task.WhenAll(runs)).Select(r => r.Run!).ToList();

        Assert.All(finished, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.Equal(3, finished.Count(r => r.Steps[0].ProviderId == "storyblocks"));
        Assert.All(finished.Where(r => r.Steps[0].ProviderId == "shutterstock"), r =>
            Assert.StartsWith(MonthlyQuota.ReachedReason, r.Steps[0].Decision!.Candidates.Single(c => c.ProviderId == "storyblocks").Dropped, StringComparison.Ordinal));
        Assert.Equal(3, gated.Simulated.CallCount("storyblocks"));
        var usage = await quota.GetUsageAsync(Ct);
        Assert.Equal((3, 0), (usage.Used, usage.InFlight));
        Assert.Equal(3, (await cluster["node-1"].Store.GetLedgerAsync(new LedgerQuery { Scope = "provider:storyblocks" }, Ct)).Count);
    }
}
