using System.Net;
using System.Net.Http.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests.Hosting;

/// <summary>
/// A known workload for the telemetry tests, over HTTP: a two-step paid pipeline (a video from fal-wan2, a caption from
/// claude-sonnet, whose simulator bills tokens) run twice with the same input, so the second run is served from the
/// cache; and a run its budget refuses before spending.
/// </summary>
internal static class TelemetryWorkload
{
    public const string ClipStep = "clip";
    public const string CaptionStep = "caption";
    public const string CaptionModel = "claude-sonnet";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static object PaidPipeline(string id) => new
    {
        id,
        scopes = new { team = "telemetry" },
        steps = new object[]
        {
            new { name = ClipStep, invoke = new { capability = "ai-video-generate", inputs = new { prompt = "a lighthouse at dusk" } } },
            new
            {
                name = CaptionStep,
                invoke = new
                {
                    capability = "llm-chat",
                    complexity = "complex",
                    inputs = new { messages = new[] { new { role = "user", content = "Caption {{ steps.clip.result.url }} in five words." } }, max_tokens = 40 },
                },
            },
        },
    };

    public static object RefusedPipeline(string id) => new
    {
        id,
        steps = new object[]
        {
            new { name = "too-dear", invoke = new { capability = "llm-chat", complexity = "complex", budget_cents = 0.000001m, inputs = new { prompt = "Write an essay." } } },
        },
    };

    /// <summary>Submits an inline pipeline and waits for its run to end.</summary>
    public static async Task<RunRecord> RunAsync(HttpClient client, object pipeline)
    {
        var response = await client.PostAsJsonAsync("/v1/runs", new { pipeline, wait = true }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RunRecord>(CostOrchestratorJson.Options, Ct))!;
    }

    /// <summary>The paid pipeline twice (the second from the cache) and the refused one; returns the three runs.</summary>
    public static async Task<(RunRecord Paid, RunRecord Cached, RunRecord Refused)> RunAsync(RunningNode node, string prefix)
    {
        using var client = node.Client();
        var paid = await RunAsync(client, PaidPipeline(prefix + "-paid"));
        var cached = await RunAsync(client, PaidPipeline(prefix + "-paid"));
        var refused = await RunAsync(client, RefusedPipeline(prefix + "-refused"));
        Assert.Equal((RunStatus.Succeeded, RunStatus.Succeeded, RunStatus.BudgetRejected), (paid.Status, cached.Status, refused.Status));
        Assert.True(paid.TotalCostCents > 0, "the workload must spend something, or equal counters prove nothing");
        Assert.All(cached.Steps, s => Assert.True(s.CacheHit, $"step {s.Name} was not served from the cache"));
        return (paid, cached, refused);
    }
}
