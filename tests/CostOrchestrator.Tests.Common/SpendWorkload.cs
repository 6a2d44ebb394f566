using System.Net.Http.Json;

namespace CostOrchestrator.Tests.Common;

/// <summary>
/// A known mix of spend for report tests, caused through the API as users would: one pipeline with successes, a
/// failure and a budget refusal that each spent before ending, one whose repeat is served from the cache (on a
/// per-token LLM, so estimates and actuals differ), and a direct invocation outside any pipeline.
/// </summary>
public static class SpendWorkload
{
    /// <summary>The team every run is charged to.</summary>
    public const string Team = "report-team";

    /// <summary>
    /// 3 runs succeeded (1.75¢ each), 1 failed and 1 was refused by its budget after spending 1.25¢ each (that one with
    /// <c>partial_progress</c>, or admission would refuse it before it spent).
    /// </summary>
    public const string Mixed = "report-mixed";

    /// <summary>2 runs succeeded on a per-token chat provider (<see cref="ProviderTokens"/>), the second from the cache.</summary>
    public const string Cached = "report-cached";

    public const string ProviderA = "report-a";

    public const string ProviderB = "report-b";

    /// <summary>Priced per token: it reserves its worst case (every output token allowed) and costs what it answered.</summary>
    public const string ProviderTokens = "report-tokens";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs the workload; returns a range holding all of it (and nothing from before the call).</summary>
    public static async Task<(DateTimeOffset From, DateTimeOffset To)> RunAsync(RunningNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var from = TimeProvider.System.GetUtcNow();
        using var admin = node.Client();
        await PutProviderAsync(admin, ProviderA, "report-cap-a", new { kind = "per-invocation", cents_per_invocation = 1.25m }, new { latency_ms = 0 });
        await PutProviderAsync(admin, ProviderB, "report-cap-b", new { kind = "per-invocation", cents_per_invocation = 0.5m }, new { latency_ms = 0 });
        await PutProviderAsync(admin, "report-broken", "report-cap-broken", new { kind = "per-invocation", cents_per_invocation = 2m }, new { latency_ms = 0, failure_rate = 1 });
        await PutProviderAsync(admin, ProviderTokens, "report-chat",
            new { kind = "per-token", input_cents_per_million_tokens = 1000m, output_cents_per_million_tokens = 4000m }, new { latency_ms = 0, output_tokens = 64 });

        for (var i = 0; i < 3; i++)
        {
            await RunAsync(admin, Mixed, "succeeded", Step("a", "report-cap-a"), Step("b", "report-cap-b"));
        }

        await RunAsync(admin, Mixed, "failed", Step("a", "report-cap-a"), Step("b", "report-cap-broken"));
        await RunAsync(admin, new { id = Mixed, scopes = new { team = Team }, partial_progress = true, steps = new[] { Step("a", "report-cap-a"), Step("b", "report-cap-b", budgetCents: 0.1m) } },
            "budget_rejected");

        var chat = new
        {
            name = "draft",
            invoke = new { capability = "report-chat", inputs = new { messages = new[] { new { role = "user", content = "What does a report cost?" } }, max_tokens = 300 } },
        };
        await RunAsync(admin, Cached, "succeeded", chat);
        await RunAsync(admin, Cached, "succeeded", chat);

        var invoked = await admin.PostAsJsonAsync("/v1/capabilities/report-cap-b/invoke", new { inputs = new { nonce = Guid.NewGuid().ToString("N") } }, Ct);
        invoked.EnsureSuccessStatusCode();
        return (from, TimeProvider.System.GetUtcNow().AddSeconds(1));
    }

    // Inputs differ per call so only the run meant to hit the cache does.
    private static object Step(string name, string capability) =>
        new { name, invoke = new { capability, inputs = new { nonce = Guid.NewGuid().ToString("N") } } };

    private static object Step(string name, string capability, decimal budgetCents) =>
        new { name, invoke = new { capability, budget_cents = budgetCents, inputs = new { nonce = Guid.NewGuid().ToString("N") } } };

    private static Task RunAsync(HttpClient admin, string pipelineId, string expectedStatus, params object[] steps) =>
        RunAsync(admin, new { id = pipelineId, scopes = new { team = Team }, steps }, expectedStatus);

    private static async Task RunAsync(HttpClient admin, object pipeline, string expectedStatus)
    {
        var response = await admin.PostAsJsonAsync("/v1/runs", new { pipeline, wait = true }, Ct);
        response.EnsureSuccessStatusCode();
        var run = await RunningNode.JsonAsync(response);
        if (run.GetProperty("status").GetString() != expectedStatus)
        {
            throw new InvalidOperationException($"a {run.GetProperty("pipeline_id").GetString()} run ended {run.GetProperty("status").GetString()}, the workload needs {expectedStatus}");
        }
    }

    private static async Task PutProviderAsync(HttpClient admin, string id, string capability, object costModel, object settings)
    {
        var response = await admin.PutAsJsonAsync($"/v1/providers/{id}", new
        {
            provider_id = id,
            capability,
            kind = "simulated",
            tier = 3,
            cost_model = costModel,
            settings,
        }, Ct);
        response.EnsureSuccessStatusCode();
    }
}
