using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CostOrchestrator.Tests.Common;

/// <summary>
/// A real Kestrel server on 127.0.0.1 that imitates the OpenAI chat completions API (plain and server-sent events,
/// with the final usage chunk only when <c>stream_options.include_usage</c> asks for it, as OpenAI does), the
/// Anthropic messages API and a plain JSON service. It records every request and notices aborted ones.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _streamPaused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeUpstream(WebApplication app)
    {
        _app = app;
        app.MapPost("/v1/chat/completions", (RequestDelegate)ChatAsync);
        app.MapPost("/v1/messages", (RequestDelegate)MessagesAsync);
        app.MapPost("/json/run", (RequestDelegate)JsonAsync);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The base URL an OpenAI or Anthropic provider record names (<c>.../v1</c>).</summary>
    public string ApiEndpoint => new Uri(BaseAddress, "v1").ToString();

    /// <summary>The URL of the JSON service.</summary>
    public string JsonEndpoint => new Uri(BaseAddress, "json/run").ToString();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>When set, answers every request instead of the imitation.</summary>
    public Func<HttpContext, CancellationToken, Task>? Override { get; set; }

    public long PromptTokens { get; set; } = 1234;

    public long CompletionTokens { get; set; } = 56;

    public long CachedTokens { get; set; } = 1000;

    public string[] StreamPieces { get; set; } = ["Hel", "lo", ", wor", "ld"];

    /// <summary>When set, the stream stops after this many content chunks and waits for the client to go.</summary>
    public int? PauseStreamAfter { get; set; }

    /// <summary>Every <c>data:</c> line the stream wrote, in order, without line endings.</summary>
    public ConcurrentQueue<string> SentLines { get; } = new();

    public JsonObject AnthropicUsage { get; set; } = new() { ["input_tokens"] = 100, ["output_tokens"] = 50, ["cache_read_input_tokens"] = 900, ["cache_creation_input_tokens"] = 0 };

    public JsonNode JsonServiceResponse { get; set; } = new JsonObject { ["result"] = new JsonObject { ["url"] = "https://cdn.example/clip.mp4" }, ["cost_cents"] = 1.5 };

    /// <summary>Completes when a request's <see cref="HttpContext.RequestAborted"/> fires (the client went away).</summary>
    public Task Aborted => _aborted.Task;

    /// <summary>Completes when the first request has been recorded.</summary>
    public Task Received => _received.Task;

    /// <summary>Completes when a paused stream has written its chunks and is waiting.</summary>
    public Task StreamPaused => _streamPaused.Task;

    public RecordedRequest Single() => Assert.Single(Requests);

    public static async Task<FakeUpstream> StartAsync(CancellationToken cancellationToken)
    {
        var app = LoopbackServer.Create();
        var upstream = new FakeUpstream(app);
        upstream.BaseAddress = await LoopbackServer.StartAsync(app, cancellationToken);
        return upstream;
    }

    /// <summary>Answers every request with a status and body.</summary>
    public void RespondWith(int status, string body) => Override = async (context, token) =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, token);
    };

    /// <summary>Never answers: waits until the client gives up or the server stops.</summary>
    public void Hang() => Override = async (_, token) =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, token);
        }
        catch (OperationCanceledException)
        {
            // The client hung up; the abort is recorded by the request's registration.
        }
    };

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task<(JsonNode? Body, CancellationToken Token)?> RecordAsync(HttpContext context)
    {
        context.RequestAborted.Register(() => _aborted.TrySetResult());
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        Requests.Enqueue(new RecordedRequest(
            context.Request.Path,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));
        _received.TrySetResult();
        var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        context.Response.RegisterForDispose(linked);
        var token = linked.Token;
        if (Override is { } answer)
        {
            await answer(context, token);
            return null;
        }

        return (body, token);
    }

    private async Task ChatAsync(HttpContext context)
    {
        if (await RecordAsync(context) is not { } recorded)
        {
            return;
        }

        var (body, token) = recorded;

        var model = body?["model"]?.GetValue<string>();
        if (body?["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(context, model, body["stream_options"]?["include_usage"]?.GetValue<bool>() == true, token);
            return;
        }

        await WriteJsonAsync(context, new JsonObject
        {
            ["id"] = "chatcmpl-1",
            ["object"] = "chat.completion",
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(StreamPieces) },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = OpenAiUsage(),
        }, token);
    }

    private async Task StreamAsync(HttpContext context, string? model, bool includeUsage, CancellationToken token)
    {
        context.Response.ContentType = "text/event-stream";
        await WriteEventAsync(context, Chunk(model, new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, null), token);
        for (var i = 0; i < StreamPieces.Length; i++)
        {
            if (PauseStreamAfter == i)
            {
                _streamPaused.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            await WriteEventAsync(context, Chunk(model, new JsonObject { ["content"] = StreamPieces[i] }, null), token);
        }

        await WriteEventAsync(context, Chunk(model, new JsonObject(), "stop"), token);
        if (includeUsage)
        {
            await WriteEventAsync(context, new JsonObject
            {
                ["id"] = "chatcmpl-1",
                ["object"] = "chat.completion.chunk",
                ["model"] = model,
                ["choices"] = new JsonArray(),
                ["usage"] = OpenAiUsage(),
            }.ToJsonString(), token);
        }

        await WriteEventAsync(context, "[DONE]", token);
    }

    private async Task MessagesAsync(HttpContext context)
    {
        if (await RecordAsync(context) is not { } recorded)
        {
            return;
        }

        var (body, token) = recorded;

        await WriteJsonAsync(context, new JsonObject
        {
            ["id"] = "msg_1",
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = body?["model"]?.GetValue<string>(),
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = "Hello" },
                new JsonObject { ["type"] = "tool_use", ["id"] = "tu_1", ["name"] = "lookup", ["input"] = new JsonObject() },
                new JsonObject { ["type"] = "text", ["text"] = ", world" }),
            ["stop_reason"] = "end_turn",
            ["usage"] = AnthropicUsage.DeepClone(),
        }, token);
    }

    private async Task JsonAsync(HttpContext context)
    {
        if (await RecordAsync(context) is not { } recorded)
        {
            return;
        }

        var (_, token) = recorded;

        await WriteJsonAsync(context, JsonServiceResponse.DeepClone(), token);
    }

    private JsonObject OpenAiUsage() => new()
    {
        ["prompt_tokens"] = PromptTokens,
        ["completion_tokens"] = CompletionTokens,
        ["total_tokens"] = PromptTokens + CompletionTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = CachedTokens },
    };

    private static string Chunk(string? model, JsonObject delta, string? finishReason) => new JsonObject
    {
        ["id"] = "chatcmpl-1",
        ["object"] = "chat.completion.chunk",
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    }.ToJsonString();

    private async Task WriteEventAsync(HttpContext context, string data, CancellationToken token)
    {
        var line = "data: " + data;
        SentLines.Enqueue(line);
        await context.Response.WriteAsync(line + "\n\n", token);
        await context.Response.Body.FlushAsync(token);
    }

    private static async Task WriteJsonAsync(HttpContext context, JsonNode body, CancellationToken token)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), token);
    }
}
