using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace CostOrchestrator.Providers.Tests.Hosting;

public sealed class NodeAdapterTests
{
    [Fact]
    public async Task StartAsync_NoAdaptersSupplied_ServesEveryKnownKind()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);

        var kinds = node.Services.GetRequiredService<ProviderAdapters>().Kinds;

        Assert.Equal(Core.Registry.ProviderValidator.KnownKinds.Order(), kinds.Order());
    }

    [Fact]
    public async Task RunAsync_OpenAiCompatibleStep_ChargesReportedUsageTimesPrice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var key = ApiKey.Set();
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, key.Env));
        var parsed = PipelineParser.Parse("""
            { "id": "chat", "steps": [ { "name": "answer", "invoke": { "capability": "llm-chat", "budget_cents": 5,
              "inputs": { "prompt": "{{ input.question }}", "max_tokens": 100 } } } ] }
            """);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));

        var run = (await node.Pipelines.RunAsync(parsed.Pipeline!, JsonSerializer.SerializeToElement(new { question = "Why is the sky blue?" }), ct)).Run!;

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("openai-compatible-test", run.Steps[0].ProviderId);
        Assert.Equal("Hello, world", run.Steps[0].Result!.Value.GetProperty("content").GetString());
        Assert.Equal(0.2395m, run.TotalCostCents);
        Assert.Equal("Bearer " + key.Value, upstream.Single().Header("Authorization"));
    }
}
