using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Grains.Tests.Pipelines;

public sealed class PersistenceAndCacheTests
{
    private static readonly JsonElement _input = JsonSerializer.SerializeToElement(new { text = "same words" });

    private static PipelineDefinition TwoSteps => Pipelines.Parse("""
        { "id": "two", "scopes": { "team": "media" }, "steps": [
          { "name": "video", "invoke": { "capability": "ai-video-generate", "inputs": { "prompt": "{{ input.text }}" } } },
          { "name": "fresh", "invoke": { "capability": "ai-video-generate", "cache": false, "inputs": { "prompt": "{{ input.text }} again" } } } ] }
        """);

    [Fact]
    public async Task Run_SamePipelineTwice_ServesCacheableStepsFromCacheAtZeroCost()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));

        var first = (await node.Pipelines.RunAsync(TwoSteps, _input, ct)).Run!;
        var second = (await node.Pipelines.RunAsync(TwoSteps, _input, ct)).Run!;

        Assert.Equal(40m, first.TotalCostCents);
        Assert.Equal(0, first.CacheHits);
        Assert.True(second.Steps[0].CacheHit);
        Assert.Equal(0m, second.Steps[0].ActualCents);
        Assert.Equal(20m, second.SavedByCacheCents);
        Assert.False(second.Steps[1].CacheHit); // cache: false is honoured
        Assert.Equal(20m, second.TotalCostCents);
        Assert.Equal(first.Steps[0].Result!.Value.GetRawText(), second.Steps[0].Result!.Value.GetRawText());
        var hit = Assert.Single(await node.Store.GetLedgerAsync(new LedgerQuery { RunId = second.RunId }, ct), e => e.CacheHit);
        Assert.Equal(20m, hit.SavedCents);
        Assert.Contains("team:media", hit.Chain);
    }

    [Fact]
    public async Task Run_ServedEntirelyFromCache_AttributesEveryHitAtZeroToTheProviderThatProducedIt()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m), TestProviders.Free("espeak", "tts-generate"));
        var pipeline = Pipelines.Parse("""
            { "id": "cached", "steps": [
              { "name": "narration", "invoke": { "capability": "tts-generate", "inputs": { "text": "{{ input.text }}" } } },
              { "name": "video", "invoke": { "capability": "ai-video-generate", "inputs": { "prompt": "{{ input.text }}" } } } ] }
            """);

        var paid = (await node.Pipelines.RunAsync(pipeline, _input, ct)).Run!;
        var cached = (await node.Pipelines.RunAsync(pipeline, _input, ct)).Run!;

        Assert.Equal(2, cached.CacheHits);
        Assert.Equal(new Dictionary<string, decimal> { ["narration"] = 0m, ["video"] = 0m }, cached.CostByStep);
        Assert.Equal(new Dictionary<string, decimal> { ["tts-generate"] = 0m, ["ai-video-generate"] = 0m }, cached.CostByCapability);
        Assert.Equal(new Dictionary<string, decimal> { ["espeak"] = 0m, ["fal"] = 0m }, cached.CostByProvider);
        Assert.Equal(paid.CostByProvider.Keys.Order(), cached.CostByProvider.Keys.Order());
        Assert.Equal(["espeak", "fal"], cached.Steps.Select(s => s.ProviderId));

        // The ledger names the producing provider of each hit too, as attribution and as a scope charged.
        var hits = await node.Store.GetLedgerAsync(new LedgerQuery { RunId = cached.RunId }, ct);
        Assert.Equal(["espeak", "fal"], hits.Select(e => e.Attribution.ProviderId).Order());
        Assert.All(hits, e => Assert.True(e.CacheHit));
        Assert.All(hits, e => Assert.Contains($"provider:{e.Attribution.ProviderId}", e.Chain));
    }

    [Fact]
    public async Task Restart_OnTheSameDataDirectory_KeepsBudgetsRunsAndCache()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        string runId;
        await using (var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct))
        {
            await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));
            await node.SetDailyLimitAsync("global", 500m);
            runId = (await node.Pipelines.RunAsync(TwoSteps, _input, ct)).Run!.RunId;
        }

        await using var restarted = await TestNode.StartAsync(dir.Path, cancellationToken: ct);

        var budget = await restarted.BudgetAsync("global");
        Assert.Equal(500m, budget.Windows[0].LimitCents);
        Assert.Equal(40m, budget.Windows[0].SpentCents);
        var run = await restarted.Grains.GetGrain<IPipelineRunGrain>(runId).GetAsync(ct);
        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Equal(40m, run.TotalCostCents);
        var again = (await restarted.Pipelines.RunAsync(TwoSteps, _input, ct)).Run!;
        Assert.True(again.Steps[0].CacheHit);
        Assert.Equal(60m, (await restarted.BudgetAsync("global")).Windows[0].SpentCents);
    }
}
