using System.Text.Json;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Grains.Tests.Pipelines;

public sealed class BadPipelineTests
{
    [Theory]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", """, "$")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "ai-video-generate", "budget_cent": 3 } } ] }""", "steps[0].invoke.budget_cent")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "ai-video-generate", "budget_cents": -3 } } ] }""", "steps[0].invoke.budget_cents")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "teleport" } } ] }""", "steps[0].invoke.capability")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "ai-video-generate", "inputs": { "p": "{{ steps.ghost.result.url }}" } } } ] }""", "steps[0].invoke.inputs.p")]
    public async Task Parse_BadPipeline_IsRejectedNamingTheFieldAndNothingIsCharged(string document, string field)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));

        var parsed = await node.Pipelines.ParseAsync(document, null, ct);

        Assert.False(parsed.IsValid);
        Assert.Contains(parsed.Errors, e => e.Field == field);
        Assert.Empty(await node.Store.GetLedgerAsync(new LedgerQuery(), ct));
        Assert.Empty(await node.Store.ListRunsAsync(new RunQuery(), ct));
    }

    [Fact]
    public async Task Submit_FanOutOverTheCap_IsRejectedBeforeAnythingIsCharged()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));
        var pipeline = Pipelines.Parse("""
            { "id": "fan", "limits": { "max_fanout": 3 }, "steps": [
              { "name": "first", "invoke": { "capability": "ai-video-generate", "inputs": { "prompt": "intro" } } },
              { "name": "broll", "invoke": { "capability": "ai-video-generate", "for_each": "{{ input.scenes }}", "inputs": { "prompt": "{{ item }}" } } } ] }
            """);

        var result = await node.Pipelines.SubmitAsync(pipeline, JsonSerializer.SerializeToElement(new { scenes = new[] { 1, 2, 3, 4 } }), null, ct);

        Assert.Null(result.Run);
        Assert.Equal("steps[1].invoke.for_each", Assert.Single(result.Errors).Field);
        Assert.Empty(await node.Store.GetLedgerAsync(new LedgerQuery(), ct));
        Assert.Empty(await node.Store.ListRunsAsync(new RunQuery(), ct));
    }
}
