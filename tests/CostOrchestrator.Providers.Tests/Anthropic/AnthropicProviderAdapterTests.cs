using CostOrchestrator.Tests.Common;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Providers.Anthropic;
using CostOrchestrator.Providers.Http;

namespace CostOrchestrator.Providers.Tests.Anthropic;

public sealed class AnthropicProviderAdapterTests
{
    [Fact]
    public async Task InvokeAsync_OpenAiStyleMessages_MovesSystemToTopLevelAndSendsKeyAndVersion()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var key = ApiKey.Set();
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new AnthropicProviderAdapter(http);
        var provider = TestRecords.PerToken("anthropic", upstream.ApiEndpoint, key.Env, model: "claude-test", defaultMaxOutputTokens: 777);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(provider, TestRecords.Json("""
            { "messages": [ { "role": "system", "content": "Be brief." }, { "role": "user", "content": "Hi" },
                            { "role": "assistant", "content": "Hello" }, { "role": "user", "content": "Again" } ],
              "temperature": 0.5, "stop": "END", "presence_penalty": 1 }
            """)), ct);

        Assert.True(outcome.Succeeded, outcome.Error);
        var request = upstream.Single();
        Assert.Equal("/v1/messages", request.Path);
        Assert.Equal(key.Value, request.Header("x-api-key"));
        Assert.Equal("2023-06-01", request.Header("anthropic-version"));
        Assert.Null(request.Header("Authorization"));
        var body = request.Body!.AsObject();
        Assert.Equal("claude-test", body["model"]!.GetValue<string>());
        Assert.Equal(777, body["max_tokens"]!.GetValue<int>());
        Assert.Equal("Be brief.", body["system"]!.GetValue<string>());
        Assert.Equal(
            """[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"},{"role":"user","content":"Again"}]""",
            body["messages"]!.ToJsonString());
        Assert.Equal(0.5, body["temperature"]!.GetValue<double>());
        Assert.Equal("""["END"]""", body["stop_sequences"]!.ToJsonString());
        Assert.False(body.ContainsKey("presence_penalty"));
    }

    [Fact]
    public async Task InvokeAsync_NoMaxTokensAnywhere_Sends1024()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new AnthropicProviderAdapter(http);

        await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("anthropic", upstream.ApiEndpoint, null), new { prompt = "Hi" }), ct);

        var body = upstream.Single().Body!;
        Assert.Equal(1024, body["max_tokens"]!.GetValue<int>());
        Assert.Equal("""[{"role":"user","content":"Hi"}]""", body["messages"]!.ToJsonString());
        Assert.Null(body["system"]);
    }

    [Fact]
    public async Task InvokeAsync_StepMaxTokens_WinsOverDefault()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new AnthropicProviderAdapter(http);

        await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("anthropic", upstream.ApiEndpoint, null, defaultMaxOutputTokens: 777), new { prompt = "Hi", max_tokens = 99 }), ct);

        Assert.Equal(99, upstream.Single().Body!["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task InvokeAsync_ContentBlocks_ReturnsTheirTextAndStopReason()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new AnthropicProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("anthropic", upstream.ApiEndpoint, null, model: "claude-test"), new { prompt = "Hi" }), ct);

        var result = outcome.Result!.Value;
        Assert.Equal("Hello, world", result.GetProperty("content").GetString());
        Assert.Equal("claude-test", result.GetProperty("model").GetString());
        Assert.Equal("end_turn", result.GetProperty("stop_reason").GetString());
        Assert.Equal("msg_1", result.GetProperty("raw").GetProperty("id").GetString());
        Assert.Null(outcome.BilledCents);
    }

    [Fact]
    public async Task InvokeAsync_UsageWithCacheReads_InputCountsCachedAndUncachedAndCostIsExact()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new AnthropicProviderAdapter(http);
        var provider = TestRecords.PerToken("anthropic", upstream.ApiEndpoint, null);
        var inputs = TestRecords.Json("""{ "prompt": "Hi" }""");

        var outcome = await adapter.InvokeAsync(TestRecords.Call(provider, inputs), ct);

        Assert.Equal(new TokenCounts { Input = 1000, Output = 50, CachedInput = 900 }, outcome.Usage);
        // 100 uncached x 250 + 900 cached x 125 + 50 output x 1000 cents per million tokens.
        Assert.Equal(0.1875m, outcome.BilledCents ?? CostEstimator.Actual(provider, inputs, outcome.Usage));
    }

    [Fact]
    public async Task InvokeAsync_UsageWithCacheWrites_ChargesThemAsInput()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.AnthropicUsage = new JsonObject { ["input_tokens"] = 10, ["output_tokens"] = 5, ["cache_creation_input_tokens"] = 2000, ["cache_read_input_tokens"] = 0 };
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new AnthropicProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("anthropic", upstream.ApiEndpoint, null), new { prompt = "Hi" }), ct);

        Assert.Equal(new TokenCounts { Input = 2010, Output = 5, CachedInput = 0 }, outcome.Usage);
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(529, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(403, false)]
    public async Task InvokeAsync_UpstreamStatus_FailsRetryableOnlyWhenTransient(int status, bool retryable)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.RespondWith(status, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new AnthropicProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("anthropic", upstream.ApiEndpoint, null), new { prompt = "Hi" }), ct);

        Assert.False(outcome.Succeeded);
        Assert.Equal(retryable, outcome.Retryable);
        Assert.StartsWith($"anthropic-test: HTTP {status}: ", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_ToolRoleMessage_FailsNotRetryableWithoutCallingUpstream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new AnthropicProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("anthropic", upstream.ApiEndpoint, null),
            TestRecords.Json("""{ "messages": [ { "role": "tool", "content": "42" } ] }""")), ct);

        Assert.False(outcome.Retryable);
        Assert.Contains("role 'tool'", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }
}
