using CostOrchestrator.Tests.Common;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Providers.Http;
using CostOrchestrator.Providers.OpenAi;

namespace CostOrchestrator.Providers.Tests.OpenAi;

public sealed class OpenAiCompatibleProviderAdapterTests
{
    [Fact]
    public async Task InvokeAsync_ChatMessages_SendsBearerKeyProviderModelAndPassesFieldsThrough()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var key = ApiKey.Set();
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);
        var provider = TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, key.Env);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(provider, TestRecords.Json("""
            { "model": "caller-model", "messages": [ { "role": "system", "content": "Be brief." }, { "role": "user", "content": "Hi" } ],
              "max_tokens": 64, "temperature": 0.2, "stream": true }
            """)), ct);

        Assert.True(outcome.Succeeded, outcome.Error);
        var request = upstream.Single();
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + key.Value, request.Header("Authorization"));
        var body = request.Body!;
        Assert.Equal("upstream-model-1", body["model"]!.GetValue<string>());
        Assert.Equal(64, body["max_tokens"]!.GetValue<int>());
        Assert.Equal(0.2, body["temperature"]!.GetValue<double>());
        Assert.Equal(2, body["messages"]!.AsArray().Count);
        Assert.Equal("Be brief.", body["messages"]![0]!["content"]!.GetValue<string>());
        // A step's invocation is a plain request whatever its inputs say; streaming is the gateway's path.
        Assert.Null(body["stream"]);
    }

    [Fact]
    public async Task InvokeAsync_PromptString_SendsOneUserMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null), new { prompt = "Write a haiku" }), ct);

        Assert.True(outcome.Succeeded, outcome.Error);
        var body = upstream.Single().Body!;
        Assert.Null(body["prompt"]);
        Assert.Equal("""[{"role":"user","content":"Write a haiku"}]""", body["messages"]!.ToJsonString());
        Assert.Null(upstream.Single().Header("Authorization"));
    }

    [Fact]
    public async Task InvokeAsync_UpstreamReportsUsage_ReturnsContentAndExactTokenCounts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null), new { prompt = "Hi" }), ct);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(new TokenCounts { Input = 1234, Output = 56, CachedInput = 1000 }, outcome.Usage);
        Assert.Null(outcome.BilledCents);
        var result = outcome.Result!.Value;
        Assert.Equal("Hello, world", result.GetProperty("content").GetString());
        Assert.Equal("upstream-model-1", result.GetProperty("model").GetString());
        Assert.Equal("stop", result.GetProperty("finish_reason").GetString());
        Assert.Equal("chatcmpl-1", result.GetProperty("raw").GetProperty("id").GetString());
    }

    [Fact]
    public async Task InvokeAsync_UpstreamReportsUsage_CostIsUsageTimesPrice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);
        var provider = TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null);
        var inputs = TestRecords.Json("""{ "prompt": "Hi" }""");

        var outcome = await adapter.InvokeAsync(TestRecords.Call(provider, inputs), ct);

        // 234 uncached x 250 + 1000 cached x 125 + 56 output x 1000 cents per million tokens.
        Assert.Equal(0.2395m, outcome.BilledCents ?? CostEstimator.Actual(provider, inputs, outcome.Usage));
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(503, true)]
    [InlineData(500, true)]
    [InlineData(408, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    public async Task InvokeAsync_UpstreamStatus_FailsRetryableOnlyWhenTransient(int status, bool retryable)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.RespondWith(status, """{"error":{"message":"upstream says no","type":"invalid_request_error"}}""");
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null), new { prompt = "Hi" }), ct);

        Assert.False(outcome.Succeeded);
        Assert.Equal(retryable, outcome.Retryable);
        Assert.Contains("openai-compatible-test", outcome.Error, StringComparison.Ordinal);
        Assert.Contains($"HTTP {status}", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("upstream says no", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_LongErrorBody_ErrorKeepsAShortExcerpt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.RespondWith(400, new string('x', 5000));
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null), new { prompt = "Hi" }), ct);

        Assert.InRange(outcome.Error!.Count(c => c == 'x'), 250, HttpProviderError.MaxExcerptLength);
    }

    [Fact]
    public async Task InvokeAsync_UpstreamEchoesKeyInError_ErrorNeverContainsKey()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var key = ApiKey.Set();
        upstream.RespondWith(401, $$$"""{"error":{"message":"Incorrect API key provided: {{{key.Value}}}"}}""");
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, key.Env), new { prompt = "Hi" }), ct);

        Assert.False(outcome.Retryable);
        Assert.Contains("Incorrect API key provided: ***", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Value!, outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_UpstreamNeverAnswers_TimesOutRetryable()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.Hang();
        // A client-wide timeout is the one a caller did not ask for; the node's own client leaves it to the caller's token.
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(200) };
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null), new { prompt = "Hi" }), ct);

        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Retryable);
        Assert.Contains("timed out", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_CallerCancels_ThrowsAndAbortsUpstream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.Hang();
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var call = adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null), new { prompt = "Hi" }), caller.Token);
        await upstream.Received.WaitAsync(TimeSpan.FromSeconds(30), ct);

        await caller.CancelAsync();

        // The executor turns its own timeout into a retryable failure; the adapter must not swallow it.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await upstream.Aborted.WaitAsync(TimeSpan.FromSeconds(30), ct);
    }

    [Fact]
    public async Task InvokeAsync_ConnectionRefused_FailsRetryable()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("openai-compatible", $"http://127.0.0.1:{ClosedPort()}/v1", null), new { prompt = "Hi" }), ct);

        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Retryable);
        Assert.StartsWith("openai-compatible-test: request failed", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_KeyVariableUnset_FailsWithoutCallingUpstream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var key = ApiKey.Unset();
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, key.Env), new { prompt = "Hi" }), ct);

        Assert.False(outcome.Retryable);
        Assert.Equal($"openai-compatible-test: env var {key.Env} is not set", outcome.Error);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task InvokeAsync_NoMessagesOrPrompt_FailsNotRetryable()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null), new { text = "Hi" }), ct);

        Assert.False(outcome.Retryable);
        Assert.Contains("'messages'", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task StreamChatAsync_UpstreamStreams_ForwardsEveryDataLineInOrderAndReturnsUsage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);
        var forwarded = new List<string>();

        var outcome = await adapter.StreamChatAsync(
            TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null), new { }),
            TestRecords.Json("""{ "model": "auto", "messages": [ { "role": "user", "content": "Hi" } ], "stream": true }"""),
            (line, _) =>
            {
                forwarded.Add(Encoding.UTF8.GetString(line.Span));
                return Task.CompletedTask;
            },
            ct);

        Assert.True(outcome.Completed, outcome.Error);
        Assert.Null(outcome.Error);
        Assert.Equal(upstream.SentLines, forwarded);
        Assert.Equal("data: [DONE]", forwarded[^1]);
        Assert.Equal(new TokenCounts { Input = 1234, Output = 56, CachedInput = 1000 }, outcome.Usage);
        Assert.Equal("Hello, world", outcome.Content);
        Assert.Equal(4, outcome.OutputChunks);
    }

    [Fact]
    public async Task StreamChatAsync_CallerOmitsStreamOptions_ForcesUsageAndReplacesModel()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var key = ApiKey.Set();
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.StreamChatAsync(
            TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, key.Env), new { }),
            TestRecords.Json("""{ "model": "llm-chat", "messages": [ { "role": "user", "content": "Hi" } ], "stream_options": { "include_usage": false }, "user": "u-1" }"""),
            (_, _) => Task.CompletedTask,
            ct);

        Assert.NotNull(outcome.Usage);
        var request = upstream.Single();
        Assert.Equal("Bearer " + key.Value, request.Header("Authorization"));
        Assert.Equal("text/event-stream", request.Header("Accept"));
        Assert.Equal("upstream-model-1", request.Body!["model"]!.GetValue<string>());
        Assert.True(request.Body["stream"]!.GetValue<bool>());
        Assert.True(request.Body["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal("u-1", request.Body["user"]!.GetValue<string>());
    }

    [Fact]
    public async Task StreamChatAsync_ClientDisconnectsMidStream_AbortsUpstreamAndReturnsIncomplete()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.PauseStreamAfter = 2;
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);
        using var client = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var forwarded = new List<string>();
        var body = TestRecords.Json("""{ "messages": [ { "role": "user", "content": "Tell me a long story" } ] }""");

        var outcome = await adapter.StreamChatAsync(
            TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null), new { }),
            body,
            async (line, _) =>
            {
                forwarded.Add(Encoding.UTF8.GetString(line.Span));
                if (forwarded.Count == 3)
                {
                    // The role chunk and two content chunks reached the client, then it hung up.
                    await upstream.StreamPaused;
                    await client.CancelAsync();
                }
            },
            client.Token);

        await upstream.Aborted.WaitAsync(TimeSpan.FromSeconds(30), ct);
        Assert.False(outcome.Completed);
        Assert.Null(outcome.Usage);
        Assert.NotNull(outcome.Error);
        Assert.False(outcome.Retryable);
        Assert.Equal(3, forwarded.Count);
        Assert.Equal("Hello", outcome.Content);
        Assert.Equal(2, outcome.OutputChunks);
        var charged = outcome.UsageOrEstimate(body);
        Assert.Equal(TokenEstimator.CountInputTokens(body), charged.Input);
        Assert.Equal(StreamedChatOutcome.EstimateOutputTokens("Hello"), charged.Output);
        Assert.True(charged.Output > 0);
    }

    [Fact]
    public async Task StreamChatAsync_UpstreamReturns429_ForwardsNothingAndIsRetryable()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.RespondWith(429, """{"error":{"message":"Rate limit reached"}}""");
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);
        var forwarded = 0;

        var outcome = await adapter.StreamChatAsync(
            TestRecords.Call(TestRecords.PerToken("openai-compatible", upstream.ApiEndpoint, null), new { }),
            TestRecords.Json("""{ "messages": [ { "role": "user", "content": "Hi" } ] }"""),
            (_, _) =>
            {
                forwarded++;
                return Task.CompletedTask;
            },
            ct);

        Assert.Equal(0, forwarded);
        Assert.False(outcome.Completed);
        Assert.True(outcome.Retryable);
        Assert.Contains("HTTP 429", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("Rate limit reached", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamChatAsync_ConnectionRefused_RetryableWithNothingForwarded()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new OpenAiCompatibleProviderAdapter(http);

        var outcome = await adapter.StreamChatAsync(
            TestRecords.Call(TestRecords.PerToken("openai-compatible", $"http://127.0.0.1:{ClosedPort()}/v1", null), new { }),
            TestRecords.Json("""{ "messages": [ { "role": "user", "content": "Hi" } ] }"""),
            (_, _) => Task.CompletedTask,
            ct);

        Assert.False(outcome.Completed);
        Assert.True(outcome.Retryable);
        Assert.Null(outcome.Usage);
    }

    // A port nothing listens on: bound by the OS, then released.
    private static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
