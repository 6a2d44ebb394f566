using System.Net;
using System.Text;
using System.Text.Json;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests.Endpoints;

/// <summary>
/// Headers the gateway and <c>/v1/invoke</c> read are checked like body fields: a value they do not understand is a
/// 400 naming the header (never silently ignored, never a different charge), and the refused call charges nothing.
/// </summary>
public sealed class RequestHeaderTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Chat = """{ "model": "auto", "messages": [ { "role": "user", "content": "hi" } ] }""";

    private async Task<int> LedgerCountAsync()
    {
        await node.FlushSlicesAsync();
        return (await node.Store.GetLedgerAsync(new LedgerQuery(), Ct)).Count;
    }

    private static HttpRequestMessage Post(string path, string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    [Theory]
    [InlineData("X-Task-Complexity", "hard", "'hard' must be simple, moderate or complex")]
    [InlineData("X-Cache", "maybe", "'maybe' must be on or off")]
    [InlineData("X-Budget-Scope", "teem:red", "'teem:red' must be org:, team:, project:, user: or work-item:")]
    [InlineData("X-Budget-Scope", "pipeline:x", "'pipeline:x' must be org:")]
    [InlineData("X-Budget-Scope", "user:a, user:b", "names user: more than once")]
    [InlineData("X-Budget-Scope", "user:has space", "'user:has space' must be")]
    [InlineData("Idempotency-Key", "   ", "must be 1-200 characters")]
    public async Task Gateway_AHeaderValueItDoesNotUnderstand_Is400NamingTheHeader_AndChargesNothing(string header, string value, string message)
    {
        using var client = node.Client(await node.CreateKeyAsync("team:headers"));
        var before = await LedgerCountAsync();

        using var response = await client.SendAsync(Post("/v1/chat/completions", Chat, (header, value)), Ct);
        var error = (await RunningNode.JsonAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_header", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(header, error.GetProperty("param").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await LedgerCountAsync());
    }

    [Fact]
    public async Task Gateway_AnIdempotencyKeyOver200Characters_IsRefused()
    {
        using var client = node.Client(await node.CreateKeyAsync("team:headers"));
        var before = await LedgerCountAsync();

        using var response = await client.SendAsync(Post("/v1/chat/completions", Chat, ("Idempotency-Key", new string('k', 201))), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Idempotency-Key", (await RunningNode.JsonAsync(response)).GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(before, await LedgerCountAsync());
    }

    [Fact]
    public async Task Gateway_WellFormedHeaders_AreAccepted()
    {
        using var client = node.Client(await node.CreateKeyAsync("team:headers"));

        using var response = await client.SendAsync(Post("/v1/chat/completions", Chat,
            ("X-Task-Complexity", "simple"), ("X-Cache", "off"), ("X-Budget-Scope", "team:headers"), ("Idempotency-Key", "ok-" + Guid.NewGuid().ToString("N"))), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("X-Cache-Hit").Single());
    }

    [Fact]
    public async Task Invoke_ABadIdempotencyKeyHeader_Is400NamingIt_AndChargesNothing()
    {
        using var client = node.Client(await node.CreateKeyAsync("team:headers"));
        var before = await LedgerCountAsync();
        const string body = """{ "inputs": { "messages": [ { "role": "user", "content": "hi" } ] } }""";

        using var longResponse = await client.SendAsync(Post("/v1/capabilities/llm-chat/invoke", body, ("Idempotency-Key", new string('x', 201))), Ct);
        using var blankResponse = await client.SendAsync(Post("/v1/capabilities/llm-chat/invoke", body, ("Idempotency-Key", " ")), Ct);

        foreach (var response in new[] { longResponse, blankResponse })
        {
            var problem = await RunningNode.JsonAsync(response);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
            Assert.Equal("Idempotency-Key", problem.GetProperty("field").GetString());
        }

        Assert.Equal(before, await LedgerCountAsync());
    }

    [Fact]
    public async Task GatewayErrors_AreOpenAiShaped_WithTheirOneTypeAndStatus()
    {
        using var client = node.Client(await node.CreateKeyAsync("team:headers"));

        using var unknown = await client.SendAsync(Post("/v1/chat/completions", """{ "model": "gpt-9000", "messages": [ { "role": "user", "content": "hi" } ] }"""), Ct);
        using var noMessages = await client.SendAsync(Post("/v1/chat/completions", """{ "model": "auto" }"""), Ct);
        using var nobody = node.Client(token: null);
        using var anonymous = await nobody.SendAsync(Post("/v1/chat/completions", Chat), Ct);

        JsonElement Error(JsonElement body) => body.GetProperty("error");
        var unknownError = Error(await RunningNode.JsonAsync(unknown));
        Assert.Equal((HttpStatusCode.NotFound, "model_not_found", "invalid_request_error", "model"),
            (unknown.StatusCode, unknownError.GetProperty("code").GetString(), unknownError.GetProperty("type").GetString(), unknownError.GetProperty("param").GetString()));
        var missing = Error(await RunningNode.JsonAsync(noMessages));
        Assert.Equal((HttpStatusCode.BadRequest, "missing_required_parameter", "messages"),
            (noMessages.StatusCode, missing.GetProperty("code").GetString(), missing.GetProperty("param").GetString()));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_api_key"), (anonymous.StatusCode, Error(await RunningNode.JsonAsync(anonymous)).GetProperty("code").GetString()));
    }
}
