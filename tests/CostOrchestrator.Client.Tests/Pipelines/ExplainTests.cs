using System.Net;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Client.Tests.Pipelines;

public sealed class ExplainTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Scenes(params string[] scenes) => JsonSerializer.SerializeToElement(new { script = "hello", scenes });

    [Fact]
    public async Task ExplainAsync_StoredAndInline_ForecastTheSameAndRunNothing()
    {
        var stored = await node.Admin.GetPipelineAsync("render-social-clip", Ct);

        var byId = await node.Admin.ExplainAsync("render-social-clip", Scenes("a", "b"), Ct);
        var inline = await node.Admin.ExplainAsync(stored!, Scenes("a", "b"), Ct);

        Assert.Equal("render-social-clip", byId.PipelineId);
        Assert.True(byId.Fits);
        Assert.Equal(stored!.Steps.Select(s => s.Name), byId.Steps.Select(s => s.Name));
        Assert.Equal((byId.ExpectedCents, byId.WorstCaseCents), (inline.ExpectedCents, inline.WorstCaseCents));
        Assert.Empty(await node.Admin.ListRunsAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task ExplainAsync_OverTheRunBudget_DoesNotFitAndSaysWhy()
    {
        var explanation = await node.Admin.ExplainAsync("render-social-clip", Scenes("a", "b", "c"), Ct);

        Assert.False(explanation.Fits);
        Assert.Contains(explanation.Problems, p => p.Contains("run's budget", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExplainAsync_UnknownPipeline_ThrowsNotFound()
    {
        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() => node.Admin.ExplainAsync("no-such-pipeline", null, Ct));

        Assert.Equal(HttpStatusCode.NotFound, ex.Status);
    }
}
