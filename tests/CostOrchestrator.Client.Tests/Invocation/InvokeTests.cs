using System.Net;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Abstractions.Invocation;
using CostOrchestrator.Client.Tests.Registry;

namespace CostOrchestrator.Client.Tests.Invocation;

public sealed class InvokeTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task InvokeAsync_OneProvider_ReturnsResultWithItsCost()
    {
        var ct = TestContext.Current.CancellationToken;
        var provider = await Registry().UpsertProviderAsync(RegistryTests.NewProvider(1.5m), ct);

        var result = await node.Admin.InvokeAsync(provider.Capability, new InvokeRequest
        {
            Inputs = JsonSerializer.SerializeToElement(new { text = "hello " + Guid.NewGuid() }),
            Scopes = new PipelineScopes { Team = "media" },
        }, ct);

        Assert.Equal(provider.ProviderId, result.Meta.ProviderId);
        Assert.Equal(1.5m, result.Meta.CostCents);
        Assert.False(result.Meta.CacheHit);
        Assert.StartsWith("inv_", result.Meta.InvocationId, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, result.Result.ValueKind);
    }

    [Fact]
    public async Task InvokeAsync_CapBelowTheOnlyPrice_ThrowsBudgetExceeded()
    {
        var ct = TestContext.Current.CancellationToken;
        var provider = await Registry().UpsertProviderAsync(RegistryTests.NewProvider(1.5m), ct);

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() =>
            node.Admin.InvokeAsync(provider.Capability, new InvokeRequest { BudgetCents = 1m }, ct));

        Assert.Equal(HttpStatusCode.PaymentRequired, ex.Status);
        Assert.Equal("budget_exceeded", ex.Code);
    }

    [Fact]
    public async Task InvokeAsync_UnknownCapability_ThrowsUnknownCapability()
    {
        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() =>
            node.Admin.InvokeAsync("no-such-capability", new InvokeRequest(), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, ex.Status);
        Assert.Equal("unknown_capability", ex.Code);
    }

    private ICapabilityRegistryGrain Registry() => node.Admin.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
}
