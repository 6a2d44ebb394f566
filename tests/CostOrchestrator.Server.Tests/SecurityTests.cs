using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Tests.Common;
using System.Net;
using System.Net.Http.Json;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Server.Tests;

public sealed class SecurityTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized, "unauthorized")]
    [InlineData("wrong-token-wrong-token", HttpStatusCode.Unauthorized, "unauthorized")]
    public async Task AdminRoute_WithoutTheAdminToken_IsRefused(string? token, HttpStatusCode status, string code)
    {
        using var client = node.Client(token);

        var response = await client.PutAsJsonAsync("/v1/budgets/global", new { windows = new[] { new { window = "day", limit_cents = 1 } } }, Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(code, (await RunningNode.JsonAsync(response)).GetProperty("code").GetString());
        Assert.Equal(5000m, (await node.BudgetAsyncOf("global")).Windows[0].LimitCents);
    }

    [Fact]
    public async Task AdminRoute_WithAnApiKey_IsForbidden()
    {
        using var client = node.Client(await node.CreateKeyAsync("team:media"));

        var response = await client.DeleteAsync("/v1/providers/shotstack", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotNull(await Registry().GetProviderAsync("shotstack", Ct));
    }

    [Fact]
    public async Task TeamKey_CannotReadOrChargeAnotherTeam_ButCanItsOwn()
    {
        using var media = node.Client(await node.CreateKeyAsync("team:media"));

        var own = await media.GetAsync("/v1/budgets/team:media", Ct);
        var other = await media.GetAsync("/v1/budgets/org:acme", Ct);
        var charge = await media.PostAsJsonAsync("/v1/reservations", new { chain = new[] { "global", "team:support" }, amount_cents = 1, idempotency_key = "steal" }, Ct);
        var mixed = await media.PostAsJsonAsync("/v1/reservations", new { chain = new[] { "global", "team:media", "team:support" }, amount_cents = 1, idempotency_key = "mix" }, Ct);
        var fine = await media.PostAsJsonAsync("/v1/reservations", new { chain = new[] { "global", "team:media" }, amount_cents = 1.5, idempotency_key = "ok-1" }, Ct);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, charge.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mixed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
        var budgets = await RunningNode.JsonAsync(await media.GetAsync("/v1/budgets", Ct));
        Assert.Equal(["team:media"], budgets.EnumerateArray().Select(b => b.GetProperty("scope").GetString()));
    }

    [Fact]
    public async Task RevokedKey_AuthenticatesNothing()
    {
        var secret = await node.CreateKeyAsync("team:media");
        using var admin = node.Client();
        var keys = await RunningNode.JsonAsync(await admin.GetAsync("/v1/keys", Ct));
        var keyId = keys.EnumerateArray().First().GetProperty("key_id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/keys/{keyId}", Ct)).StatusCode);

        using var revoked = node.Client(secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/v1/budgets/team:media", Ct)).StatusCode);

        // The key list never shows a secret.
        Assert.DoesNotContain(secret, (await admin.GetStringAsync("/v1/keys", Ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderSecrets_NeverAppearInResponses()
    {
        Environment.SetEnvironmentVariable("COSTORCH_TEST_UPSTREAM_KEY", "sk-live-do-not-leak-9f8e7d");
        using var admin = node.Client();
        var put = await admin.PutAsJsonAsync("/v1/providers/leak-check", new
        {
            provider_id = "leak-check",
            capability = "llm-chat",
            kind = "openai-compatible",
            tier = 3,
            endpoint = "http://127.0.0.1:9/v1",
            model = "x",
            api_key_env = "COSTORCH_TEST_UPSTREAM_KEY",
            cost_model = new { kind = "per-token", input_cents_per_million_tokens = 1, output_cents_per_million_tokens = 1 },
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        foreach (var path in new[] { "/v1/providers", "/v1/providers/leak-check", "/v1/capabilities", "/metrics", "/v1/models" })
        {
            Assert.DoesNotContain("sk-live-do-not-leak", await admin.GetStringAsync(path, Ct), StringComparison.Ordinal);
        }

        await admin.DeleteAsync("/v1/providers/leak-check", Ct);
    }

    [Fact]
    public async Task ApiKeyField_HoldingAKeyInsteadOfAName_IsRefused()
    {
        using var admin = node.Client();

        var put = await admin.PutAsJsonAsync("/v1/providers/bad-key", new
        {
            provider_id = "bad-key",
            capability = "llm-chat",
            kind = "simulated",
            tier = 3,
            api_key_env = "sk-abc123-this-is-a-key",
            cost_model = new { kind = "per-invocation", cents_per_invocation = 1 },
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("api_key_env", (await RunningNode.JsonAsync(put)).GetProperty("field").GetString());
        Assert.Null(await Registry().GetProviderAsync("bad-key", Ct));
    }

    private ICapabilityRegistryGrain Registry() => node.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
}
