using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CostOrchestrator.Abstractions.Alerts;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests.Endpoints;

/// <summary><c>/v1/alerts</c> over HTTP: listing and filters, who sees what, and settings validated field by field.</summary>
public sealed class AlertEndpointTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task SpendAsync(HttpClient client, string scope, decimal cents)
    {
        var reserved = await client.PostAsync("/v1/reservations", Json($$"""{ "chain": ["{{scope}}"], "amount_cents": {{cents}}, "idempotency_key": "{{Guid.NewGuid():N}}" }"""), Ct);
        Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);
        var id = (await RunningNode.JsonAsync(reserved)).GetProperty("reservation_id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/reservations/{id}/commit", Json($$"""{ "actual_cents": {{cents}} }"""), Ct)).StatusCode);
    }

    [Fact]
    public async Task AnExhaustedTeamBudget_IsListedForItsTeamAndTheAdmin_NotForAnotherTeam()
    {
        using var admin = node.Client();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/v1/budgets/team:alarmed", new { windows = new[] { new { window = "month", limit_cents = 10 } } }, Ct)).StatusCode);
        using var alarmed = node.Client(await node.CreateKeyAsync("team:alarmed"));
        using var other = node.Client(await node.CreateKeyAsync("team:calm"));
        await SpendAsync(alarmed, "team:alarmed", 9.9m);

        var evaluated = await admin.PostAsync("/v1/alerts/evaluate", null, Ct);
        Assert.Equal(HttpStatusCode.OK, evaluated.StatusCode);

        var mine = await alarmed.GetFromJsonAsync<List<JsonElement>>("/v1/alerts?scope=team:alarmed&status=open", Ct);
        Assert.Equal(["budget_constrained", "budget_exhausted", "budget_forecast_exceeded", "budget_warn"], mine!.Select(a => a.GetProperty("kind").GetString()).Order(StringComparer.Ordinal));
        var exhausted = await alarmed.GetFromJsonAsync<List<JsonElement>>("/v1/alerts?kind=budget_exhausted&scope=team:alarmed", Ct);
        Assert.Equal(9.9m, Assert.Single(exhausted!).GetProperty("details").GetProperty("spent_cents").GetDecimal());
        var theirs = await other.GetFromJsonAsync<List<JsonElement>>("/v1/alerts?scope=team:alarmed", Ct);
        Assert.Empty(theirs!);
        Assert.Empty((await admin.GetFromJsonAsync<List<JsonElement>>("/v1/alerts?scope=team:alarmed&status=resolved", Ct))!);
    }

    [Theory]
    [InlineData("/v1/alerts?kind=budget_on_fire", "kind")]
    [InlineData("/v1/alerts?status=closed", "status")]
    public async Task ABadFilter_Is400NamingIt(string path, string field)
    {
        using var admin = node.Client();

        var response = await admin.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await RunningNode.JsonAsync(response)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Settings_BadFieldsAreEachNamed_AndChangeNothing_SecretsAreMaskedAndKept()
    {
        using var admin = node.Client();
        var before = await admin.GetStringAsync("/v1/alerts/settings", Ct);

        var bad = await admin.PutAsync("/v1/alerts/settings", Json("""
            { "webhooks": [ { "url": "ftp://example.test/x", "format": "teams" } ], "pipelines": { "anomaly_factor": 0.5, "min_runs": 5, "recent_runs": 2, "cache_hit_ratio_min": 2 },
              "price_drift_tolerance": 0, "price_stale_days": 0 }
            """), Ct);
        var problem = await RunningNode.JsonAsync(bad);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(
            ["webhooks[0].url", "webhooks[0].format", "pipelines.anomaly_factor", "pipelines.recent_runs", "pipelines.cache_hit_ratio_min", "price_drift_tolerance", "price_stale_days"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Equal(before, await admin.GetStringAsync("/v1/alerts/settings", Ct));

        var good = await admin.PutAsync("/v1/alerts/settings", Json("""{ "webhooks": [ { "url": "http://127.0.0.1:9/hook", "format": "generic", "secret": "s3cret" } ] }"""), Ct);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var shown = (await RunningNode.JsonAsync(good)).GetProperty("webhooks")[0].GetProperty("secret").GetString();
        Assert.Equal("********", shown);

        // Sending back what GET showed keeps the secret that was set.
        var echoed = await admin.PutAsync("/v1/alerts/settings", Json(await admin.GetStringAsync("/v1/alerts/settings", Ct)), Ct);
        Assert.Equal(HttpStatusCode.OK, echoed.StatusCode);
        var stored = await node.Grains.GetGrain<IAlertMonitorGrain>(IAlertMonitorGrain.Key).GetSettingsAsync(Ct);
        Assert.Equal("s3cret", Assert.Single(stored.Webhooks).Secret);

        using var key = node.Client(await node.CreateKeyAsync("team:alarmed"));
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync("/v1/alerts/settings", Ct)).StatusCode);
        await admin.PutAsync("/v1/alerts/settings", Json("{}"), Ct);
    }
}
