using System.Net;
using System.Net.Http.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests.Endpoints;

/// <summary><c>GET /v1/runs/{id}/updates?after=N</c>: live progress as a long poll, readable only by who may see the run.</summary>
public sealed class RunUpdatesTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Updates_OfAFinishedRun_AnswerAtOnce_ForItsOwner_AndAre404ForAnotherTeam()
    {
        using var owner = node.Client(await node.CreateKeyAsync("team:watchers"));
        using var stranger = node.Client(await node.CreateKeyAsync("team:others"));
        var submitted = await owner.PostAsJsonAsync("/v1/runs", new
        {
            pipeline = new { id = "watched", steps = new[] { new { name = "say", invoke = new { capability = "tts-generate", inputs = new { text = "hello" } } } } },
            wait = true,
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var run = (await submitted.Content.ReadFromJsonAsync<RunRecord>(CostOrchestratorJson.Options, Ct))!;

        var first = await owner.GetFromJsonAsync<RunUpdate>($"/v1/runs/{run.RunId}/updates", CostOrchestratorJson.Options, Ct);
        var again = await owner.GetFromJsonAsync<RunUpdate>($"/v1/runs/{run.RunId}/updates?after={first!.Revision}", CostOrchestratorJson.Options, Ct);
        using var hidden = await stranger.GetAsync($"/v1/runs/{run.RunId}/updates", Ct);
        using var missing = await owner.GetAsync("/v1/runs/run_nothing_here/updates", Ct);

        Assert.Equal(RunStatus.Succeeded, first.Record!.Status);
        Assert.Equal(["say"], first.Record.Steps.Select(s => s.Name));
        Assert.Equal(first.Revision, again!.Revision); // finished: answered at once, unchanged
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
