using CostOrchestrator.Tests.Common;
using System.Net;
using System.Net.Http.Json;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Server.Tests;

/// <summary>EXPLAIN for cost: a forecast per step, without invoking or reserving anything.</summary>
public sealed class ExplainTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Explain_SampleClip_ForecastsEachStepAndChargesNothing()
    {
        using var client = node.Client();

        var fits = await RunningNode.JsonAsync(await client.PostAsJsonAsync("/v1/pipelines/render-social-clip/explain",
            new { input = new { script = "hello", scenes = new[] { "a", "b" } } }, Ct));
        var over = await RunningNode.JsonAsync(await client.PostAsJsonAsync("/v1/pipelines/render-social-clip/explain",
            new { input = new { script = "hello", scenes = new[] { "a", "b", "c" } } }, Ct));

        var broll = fits.GetProperty("steps")[2];
        Assert.Equal(("fal-wan2", 2, 40m, 80m), (broll.GetProperty("provider_id").GetString(), broll.GetProperty("items").GetInt32(),
            broll.GetProperty("expected_cents").GetDecimal(), broll.GetProperty("worst_case_cents").GetDecimal()));
        Assert.Contains(broll.GetProperty("decision").GetProperty("candidates").EnumerateArray(), c => c.GetProperty("provider_id").GetString() == "local-wan2" && c.TryGetProperty("dropped", out _));
        Assert.True(fits.GetProperty("fits").GetBoolean());
        Assert.False(over.GetProperty("fits").GetBoolean());
        Assert.Contains("above the run's budget of 50¢", over.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await node.Store.GetLedgerAsync(new LedgerQuery(), Ct));
        Assert.Empty(await node.Store.ListRunsAsync(new RunQuery(), Ct));
    }

    [Fact]
    public async Task Explain_InlineInvalidPipeline_NamesTheField()
    {
        using var client = node.Client();

        var response = await client.PostAsJsonAsync("/v1/explain", new { pipeline = new { id = "x", steps = new[] { new { name = "a", invoke = new { capability = "nope" } } } } }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("pipeline.steps[0].invoke.capability", (await RunningNode.JsonAsync(response)).GetProperty("field").GetString());
    }
}
