using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Providers.Http;

namespace CostOrchestrator.Providers.Anthropic;

/// <summary>
/// Calls the Anthropic Messages API: <c>POST {endpoint}/messages</c> with <c>x-api-key</c> (from the environment
/// variable the record names) and <c>anthropic-version: 2023-06-01</c>. Inputs are OpenAI-style (see
/// <see cref="AnthropicMessagesRequest"/>). The result is <c>{ "content", "model", "stop_reason", "raw" }</c>
/// where content is the text of the response's text blocks.
/// </summary>
public sealed class AnthropicProviderAdapter : IProviderAdapter
{
    /// <summary>The API version sent in <c>anthropic-version</c>.</summary>
    public const string ApiVersion = "2023-06-01";

    private readonly HttpClient _http;

    /// <summary>Creates the adapter on a shared client; per-call timeouts come from the callers' cancellation tokens.</summary>
    public AnthropicProviderAdapter(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    /// <inheritdoc />
    public string Kind => "anthropic";

    /// <inheritdoc />
    public async Task<ProviderOutcome> InvokeAsync(ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var provider = call.Provider;
        if (HttpProviderSupport.EndpointError(provider) is { } endpointError)
        {
            return ProviderOutcome.Failure($"{provider.ProviderId}: {endpointError}", retryable: false);
        }

        var (key, keyError) = HttpProviderSupport.ReadKey(provider);
        if (keyError is not null)
        {
            return ProviderOutcome.Failure($"{provider.ProviderId}: {keyError}", retryable: false);
        }

        var (body, bodyError) = AnthropicMessagesRequest.Build(provider, call.Inputs);
        if (body is null)
        {
            return ProviderOutcome.Failure($"{provider.ProviderId}: {bodyError}", retryable: false);
        }

        var (response, failure) = await HttpJsonExchange.PostAsync(
            _http, provider.ProviderId, HttpProviderSupport.Combine(provider.Endpoint!, "messages"), body, headers => AddHeaders(headers, key), key, cancellationToken)
            .ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (JsonRead.Property(response, "content") is not { ValueKind: JsonValueKind.Array } blocks)
        {
            return ProviderOutcome.Failure(
                $"{provider.ProviderId}: response has no content: {HttpProviderError.Excerpt(response.GetRawText(), key)}", retryable: false);
        }

        var text = new StringBuilder();
        foreach (var block in blocks.EnumerateArray())
        {
            if (JsonRead.String(JsonRead.Property(block, "type")) == "text")
            {
                text.Append(JsonRead.String(JsonRead.Property(block, "text")));
            }
        }

        var result = new JsonObject
        {
            ["content"] = text.ToString(),
            ["model"] = JsonRead.String(JsonRead.Property(response, "model")),
            ["stop_reason"] = JsonRead.String(JsonRead.Property(response, "stop_reason")),
            ["raw"] = JsonNode.Parse(response.GetRawText()),
        };
        return ProviderOutcome.Success(JsonSerializer.SerializeToElement(result), ParseUsage(JsonRead.Property(response, "usage")));
    }

    /// <inheritdoc />
    public Task<ProviderHealthReport> CheckHealthAsync(ProviderRecord provider, CancellationToken cancellationToken) =>
        Task.FromResult(HttpProviderSupport.CheckConfiguration(provider));

    /// <summary>
    /// Token counts from an Anthropic <c>usage</c> object. Anthropic's <c>input_tokens</c> excludes prompt-cache
    /// reads and writes; our <see cref="TokenCounts.Input"/> is all input, so both are added back: cache reads as
    /// <see cref="TokenCounts.CachedInput"/> (charged at the cached price), cache writes as ordinary input.
    /// </summary>
    internal static TokenCounts? ParseUsage(JsonElement? usage)
    {
        if (usage is not { ValueKind: JsonValueKind.Object } u)
        {
            return null;
        }

        var input = JsonRead.Long(JsonRead.Property(u, "input_tokens"));
        var output = JsonRead.Long(JsonRead.Property(u, "output_tokens"));
        if (input is null && output is null)
        {
            return null;
        }

        var cacheRead = JsonRead.Long(JsonRead.Property(u, "cache_read_input_tokens")) ?? 0;
        var cacheWrite = JsonRead.Long(JsonRead.Property(u, "cache_creation_input_tokens")) ?? 0;
        return new TokenCounts { Input = (input ?? 0) + cacheRead + cacheWrite, Output = output ?? 0, CachedInput = cacheRead };
    }

    private static void AddHeaders(HttpRequestHeaders headers, string? key)
    {
        if (key is not null)
        {
            headers.Add("x-api-key", key);
        }

        headers.Add("anthropic-version", ApiVersion);
    }
}
