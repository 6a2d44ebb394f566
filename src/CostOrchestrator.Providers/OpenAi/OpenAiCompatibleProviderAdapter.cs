using System.Buffers;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Providers.Http;

namespace CostOrchestrator.Providers.OpenAi;

/// <summary>
/// Calls an OpenAI-compatible chat completions API (OpenAI, OpenRouter, vLLM, llama.cpp, Ollama, ...):
/// <c>POST {endpoint}/chat/completions</c> with the step's inputs, the provider's model and a bearer key read
/// from the environment variable the record names. The result is
/// <c>{ "content", "model", "finish_reason", "raw" }</c>; usage is reported, so the cost is usage times the
/// provider's per-token prices. Also streams for the OpenAI-compatible gateway (<see cref="IStreamingChatAdapter"/>).
/// </summary>
public sealed class OpenAiCompatibleProviderAdapter : IProviderAdapter, IStreamingChatAdapter
{
    private static ReadOnlySpan<byte> DataPrefix => "data:"u8;

    private static ReadOnlySpan<byte> DoneMarker => "[DONE]"u8;

    private readonly HttpClient _http;

    /// <summary>Creates the adapter on a shared client; per-call timeouts come from the callers' cancellation tokens.</summary>
    public OpenAiCompatibleProviderAdapter(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    /// <inheritdoc />
    public string Kind => "openai-compatible";

    /// <inheritdoc />
    public async Task<ProviderOutcome> InvokeAsync(ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var provider = call.Provider;
        var (request, error) = Prepare(provider, call.Inputs, stream: false);
        if (request is not { } r)
        {
            return ProviderOutcome.Failure($"{provider.ProviderId}: {error}", retryable: false);
        }

        var (response, failure) = await HttpJsonExchange.PostAsync(
            _http, provider.ProviderId, r.Uri, r.Body, headers => Authorize(headers, r.Key), r.Key, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (JsonRead.First(JsonRead.Property(response, "choices")) is not { } choice)
        {
            return ProviderOutcome.Failure(
                $"{provider.ProviderId}: response has no choices: {HttpProviderError.Excerpt(response.GetRawText(), r.Key)}", retryable: false);
        }

        var result = new JsonObject
        {
            ["content"] = JsonRead.String(JsonRead.Path(choice, "message", "content")),
            ["model"] = JsonRead.String(JsonRead.Property(response, "model")),
            ["finish_reason"] = JsonRead.String(JsonRead.Property(choice, "finish_reason")),
            ["raw"] = JsonNode.Parse(response.GetRawText()),
        };
        return ProviderOutcome.Success(JsonSerializer.SerializeToElement(result), ParseUsage(JsonRead.Property(response, "usage")));
    }

    /// <inheritdoc />
    public async Task<StreamedChatOutcome> StreamChatAsync(
        ProviderCall call,
        JsonElement requestBody,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task> onSseLine,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(onSseLine);
        var provider = call.Provider;
        var (prepared, error) = Prepare(provider, requestBody, stream: true);
        if (prepared is not { } r)
        {
            return new StreamedChatOutcome { Error = $"{provider.ProviderId}: {error}" };
        }

        var state = new StreamState(provider.ProviderId, r.Key);
        using var request = HttpJsonExchange.CreateRequest(r.Uri, r.Body, headers => Authorize(headers, r.Key));
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        HttpResponseMessage? response = null;
        PipeReader? reader = null;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var failure = HttpProviderError.FromStatus(provider.ProviderId, response.StatusCode, text, r.Key);
                return new StreamedChatOutcome { Error = failure.Error, Retryable = failure.Retryable };
            }

            reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            var done = false;
            while (!done)
            {
                var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = read.Buffer;
                while (!done && TryReadLine(ref buffer, out var line))
                {
                    done = await HandleLineAsync(line, state, onSseLine, cancellationToken).ConfigureAwait(false);
                }

                if (!done && read.IsCompleted && !buffer.IsEmpty)
                {
                    // The body ended without a final newline: the rest is the last line.
                    await HandleLineAsync(buffer, state, onSseLine, cancellationToken).ConfigureAwait(false);
                    buffer = buffer.Slice(buffer.End);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                done |= read.IsCompleted;
            }

            return state.ToOutcome(completed: state.Error is null, state.Error, retryable: false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return state.ToOutcome(completed: false, $"{provider.ProviderId}: stream stopped by the caller", retryable: false);
        }
        catch (Exception ex) when (!state.InCallback && HttpProviderError.FromException(provider.ProviderId, ex, r.Key, cancellationToken) is { } failure)
        {
            // A transient failure is only worth retrying while the caller's client has seen nothing.
            return state.ToOutcome(completed: false, failure.Error, failure.Retryable && state.ForwardedLines == 0);
        }
        finally
        {
            if (reader is not null)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }

            // Disposing a response whose body was not read to the end closes the connection, which is how the
            // upstream learns to stop generating (and billing) when our client has gone.
            response?.Dispose();
        }
    }

    /// <inheritdoc />
    public Task<ProviderHealthReport> CheckHealthAsync(ProviderRecord provider, CancellationToken cancellationToken) =>
        Task.FromResult(HttpProviderSupport.CheckConfiguration(provider));

    /// <summary>Token counts from an OpenAI <c>usage</c> object, or null when it reports none.</summary>
    internal static TokenCounts? ParseUsage(JsonElement? usage)
    {
        if (usage is not { ValueKind: JsonValueKind.Object } u)
        {
            return null;
        }

        var input = JsonRead.Long(JsonRead.Property(u, "prompt_tokens"));
        var output = JsonRead.Long(JsonRead.Property(u, "completion_tokens"));
        if (input is null && output is null)
        {
            return null;
        }

        return new TokenCounts
        {
            Input = input ?? 0,
            Output = output ?? 0,
            CachedInput = JsonRead.Long(JsonRead.Path(u, "prompt_tokens_details", "cached_tokens")) ?? 0,
        };
    }

    private static ((Uri Uri, JsonObject Body, string? Key)? Request, string? Error) Prepare(ProviderRecord provider, JsonElement source, bool stream)
    {
        if (HttpProviderSupport.EndpointError(provider) is { } endpointError)
        {
            return (null, endpointError);
        }

        var (key, keyError) = HttpProviderSupport.ReadKey(provider);
        if (keyError is not null)
        {
            return (null, keyError);
        }

        var (body, bodyError) = OpenAiChatRequest.Build(provider, source, stream);
        return body is null
            ? (null, bodyError)
            : ((HttpProviderSupport.Combine(provider.Endpoint!, "chat/completions"), body, key), null);
    }

    private static void Authorize(HttpRequestHeaders headers, string? key)
    {
        if (key is not null)
        {
            headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        if (buffer.PositionOf((byte)'\n') is not { } end)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end);
        buffer = buffer.Slice(buffer.GetPosition(1, end));
        return true;
    }

    // Returns true when the stream says it is done.
    private static async Task<bool> HandleLineAsync(
        ReadOnlySequence<byte> sequence,
        StreamState state,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task> onSseLine,
        CancellationToken cancellationToken)
    {
        // Stop at the first line after the client left, even when more are buffered.
        cancellationToken.ThrowIfCancellationRequested();
        var line = sequence.IsSingleSegment ? sequence.First : sequence.ToArray();
        if (line.Span.EndsWith("\r"u8))
        {
            line = line[..^1];
        }

        // Blank lines separate events; comments (": keep-alive") and other fields are not ours to forward.
        if (!line.Span.StartsWith(DataPrefix))
        {
            return false;
        }

        state.InCallback = true;
        await onSseLine(line, cancellationToken).ConfigureAwait(false);
        state.InCallback = false;
        state.ForwardedLines++;

        var payload = line[DataPrefix.Length..];
        if (payload.Span.StartsWith(" "u8))
        {
            payload = payload[1..];
        }

        if (payload.Span.SequenceEqual(DoneMarker))
        {
            return true;
        }

        state.Read(payload);
        return false;
    }

    private sealed class StreamState(string providerId, string? key)
    {
        private readonly StringBuilder _content = new();

        public bool InCallback { get; set; }

        public int ForwardedLines { get; set; }

        public string? Error { get; private set; }

        private int OutputChunks { get; set; }

        private TokenCounts? Usage { get; set; }

        public void Read(ReadOnlyMemory<byte> payload)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(payload);
            }
            catch (JsonException)
            {
                // Forwarded as is; a line we cannot read neither adds content nor reports usage.
                return;
            }

            using (document)
            {
                var chunk = document.RootElement;
                if (JsonRead.String(JsonRead.Path(chunk, "error", "message")) is { } message)
                {
                    Error = $"{providerId}: error in stream: {HttpProviderError.Excerpt(message, key)}";
                }

                if (JsonRead.String(JsonRead.Path(JsonRead.First(JsonRead.Property(chunk, "choices")) ?? default, "delta", "content")) is { Length: > 0 } text)
                {
                    _content.Append(text);
                    OutputChunks++;
                }

                if (ParseUsage(JsonRead.Property(chunk, "usage")) is { } usage)
                {
                    Usage = usage;
                }
            }
        }

        public StreamedChatOutcome ToOutcome(bool completed, string? error, bool retryable) => new()
        {
            Usage = Usage,
            Error = error,
            Retryable = retryable,
            Completed = completed,
            Content = _content.ToString(),
            OutputChunks = OutputChunks,
        };
    }
}
