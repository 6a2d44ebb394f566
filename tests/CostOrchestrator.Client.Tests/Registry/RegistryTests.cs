using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Client.Tests.Registry;

public sealed class RegistryTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task UpdateProviderAsync_NewPrice_ShowsInProviderAndPriceHistory()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = node.Admin.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
        var provider = await registry.UpsertProviderAsync(NewProvider(1.5m), ct);

        var updated = await registry.UpdateProviderAsync(provider.ProviderId,
            new ProviderUpdate { CostModel = PerInvocation(2.345678m) }, ct);
        var read = await registry.GetProviderAsync(provider.ProviderId, ct);
        var history = await registry.GetPriceHistoryAsync(provider.ProviderId, ct);

        Assert.Equal(2.345678m, updated!.CostModel.CentsPerInvocation);
        Assert.Equal(2.345678m, read!.CostModel.CentsPerInvocation);
        Assert.Equal([1.5m, 2.345678m], history.Select(h => h.CostModel.CentsPerInvocation!.Value));
    }

    [Fact]
    public async Task DeleteProviderAsync_ExistingThenGone_ReturnsTrueThenFalse()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = node.Admin.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
        var provider = await registry.UpsertProviderAsync(NewProvider(1m), ct);
        Assert.Contains(await registry.GetProvidersAsync(provider.Capability, ct), p => p.ProviderId == provider.ProviderId);

        Assert.True(await registry.DeleteProviderAsync(provider.ProviderId, ct));
        Assert.False(await registry.DeleteProviderAsync(provider.ProviderId, ct));
        Assert.Null(await registry.GetProviderAsync(provider.ProviderId, ct));
        Assert.Null(await registry.UpdateProviderAsync(provider.ProviderId, new ProviderUpdate { Health = ProviderHealth.Down }, ct));
        Assert.Empty(await registry.GetPriceHistoryAsync(provider.ProviderId, ct));
    }

    [Fact]
    public async Task GetProvidersAsync_Capability_ReturnsOnlyThatCapability()
    {
        var registry = node.Admin.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);

        var providers = await registry.GetProvidersAsync("llm-chat", TestContext.Current.CancellationToken);

        Assert.Contains(providers, p => p.ProviderId == "workers-ai");
        Assert.All(providers, p => Assert.Equal("llm-chat", p.Capability));
    }

    [Fact]
    public async Task ReportOutcomeAndCheckHealth_OverHttp_ThrowNotSupported()
    {
        var registry = node.Admin.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);

        await Assert.ThrowsAsync<NotSupportedException>(() => registry.ReportOutcomeAsync("workers-ai", success: true, 10, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<NotSupportedException>(() => registry.CheckHealthAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void GetGrain_RegistryWithAnotherKey_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => node.Admin.GetGrain<ICapabilityRegistryGrain>("registry-2"));

    internal static ProviderRecord NewProvider(decimal cents) => new()
    {
        ProviderId = "client-sim-" + Guid.NewGuid().ToString("N")[..10],
        Capability = "client-cap-" + Guid.NewGuid().ToString("N")[..10],
        Kind = "simulated",
        Tier = 3,
        CostModel = PerInvocation(cents),
    };

    internal static CostModel PerInvocation(decimal cents) => new() { Kind = CostModelKind.PerInvocation, CentsPerInvocation = cents };
}
