using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Grains.Registry;
using CostOrchestrator.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace CostOrchestrator.Cluster.Tests;

/// <summary>Every silo routes from its own copy of the registry, and every copy sees a change before the change is answered.</summary>
public sealed class RegistryCopyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<decimal?> PriceSeenBy(Grains.Hosting.CostOrchestratorNode node, string providerId) =>
        (await node.Services.GetRequiredService<RegistryCopy>().GetProvidersAsync("ai-video-generate", Ct))
            .SingleOrDefault(p => p.ProviderId == providerId)?.CostModel.CentsPerInvocation;

    [Fact]
    public async Task PriceChangeThroughOneSilo_IsInEverySilosCopy_WhenTheChangeIsAnswered_AndSurvivesTheRegistrysSilo()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        await cluster["node-1"].AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 6m), TestProviders.Fixed("runway", "ai-video-generate", 9m));
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(6m, await PriceSeenBy(node, "fal"));
        }

        // The copies subscribed above; a change made through another silo reaches each before the PATCH returns.
        var registry = cluster["node-3"].Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
        await registry.UpdateProviderAsync("fal", new ProviderUpdate { CostModel = TestProviders.Fixed("fal", "ai-video-generate", 12m).CostModel }, Ct);
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(12m, await PriceSeenBy(node, "fal"));
        }

        // A removed provider leaves every copy at once too.
        Assert.True(await registry.DeleteProviderAsync("runway", Ct));
        foreach (var node in cluster.Nodes)
        {
            Assert.Null(await PriceSeenBy(node, "runway"));
        }

        // The registry is grain state: whichever silo held it, a survivor's activation reads the same providers and
        // price history back from storage.
        await cluster.KillAsync("node-1");
        await cluster.KillAsync("node-2");
        var survivor = cluster["node-3"];
        var history = await Eventually.ReturnsAsync(
            () => survivor.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey).GetPriceHistoryAsync("fal", Ct),
            h => h.Count == 2, Ct);
        Assert.Equal([6m, 12m], history.Select(h => h.CostModel.CentsPerInvocation!.Value));
        Assert.Equal(12m, await PriceSeenBy(survivor, "fal"));
    }
}
