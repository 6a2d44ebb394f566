using System.Text.Json;

namespace CostOrchestrator.Providers;

/// <summary>An adapter that can stream an OpenAI-style chat completion to a caller as server-sent events.</summary>
public interface IStreamingChatAdapter
{
    /// <summary>
    /// Sends <paramref name="requestBody"/> (an OpenAI chat completions request) to the provider with its model,
    /// streaming and usage reporting forced on, and hands every <c>data: ...</c> line of the upstream event stream
    /// to <paramref name="onSseLine"/> as it arrives, in order, without its line ending. The memory is only valid
    /// until the returned task completes. When <paramref name="cancellationToken"/> fires (the client went away)
    /// reading stops, the upstream request is aborted and the outcome is not <see cref="StreamedChatOutcome.Completed"/>.
    /// Upstream failures come back as values; exceptions thrown by <paramref name="onSseLine"/> propagate.
    /// </summary>
    Task<StreamedChatOutcome> StreamChatAsync(
        ProviderCall call,
        JsonElement requestBody,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task> onSseLine,
        CancellationToken cancellationToken);
}
