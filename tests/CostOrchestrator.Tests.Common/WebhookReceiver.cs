using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CostOrchestrator.Tests.Common;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 for webhook tests: records every post (headers and body) and answers with the
/// status the test sets; it can also hold a post open until the test lets it go.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private TaskCompletionSource? _hold;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
        app.MapPost("/hook", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            Posts.Enqueue(new ReceivedPost(body, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            _arrived.TrySetResult();
            if (_hold is { } hold)
            {
                await hold.Task.WaitAsync(context.RequestAborted);
            }

            context.Response.StatusCode = Status;
        });
    }

    /// <summary>The URL to configure as a webhook.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every post received, in order.</summary>
    public ConcurrentQueue<ReceivedPost> Posts { get; } = new();

    /// <summary>The status every post is answered with. Default 200.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    /// <summary>From now on posts wait (after being recorded) until <see cref="Release"/>; the task completes when one arrives.</summary>
    public Task HoldNext()
    {
        _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _arrived.Task;
    }

    /// <summary>Lets held posts answer.</summary>
    public void Release() => _hold?.TrySetResult();

    public static async Task<WebhookReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var app = LoopbackServer.Create();
        var receiver = new WebhookReceiver(app);
        receiver.Url = new Uri(await LoopbackServer.StartAsync(app, cancellationToken), "hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One post as the receiver saw it.</summary>
public sealed record ReceivedPost(string Body, IReadOnlyDictionary<string, string> Headers);
