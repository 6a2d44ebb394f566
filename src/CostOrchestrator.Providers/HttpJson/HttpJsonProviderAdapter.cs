using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Providers.Http;

namespace CostOrchestrator.Providers.HttpJson;

/// <summary>
/// Calls any JSON service: <c>POST {endpoint}</c> with the step's inputs as the body and, when the record names
/// an API key variable, a bearer key. The response's <c>result</c> property is the result (the whole body when
/// there is none); <c>cost_cents</c>, when present, is what the call is charged; <c>usage</c>
/// (<c>input_tokens</c>/<c>output_tokens</c> or <c>prompt_tokens</c>/<c>completion_tokens</c>) is recorded.
/// </summary>
public sealed class HttpJsonProviderAdapter : IProviderAdapter
{
    private readonly HttpClient _http;

    /// <summary>Creates the adapter on a shared client; per-call timeouts come from the callers' cancellation tokens.</summary>
    public HttpJsonProviderAdapter(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    /// <inheritdoc />
    public string Kind => "http-json";

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

        var body = JsonNode.Parse(call.Inputs.ValueKind == JsonValueKind.Undefined ? "{}" : call.Inputs.GetRawText())!;
        var (response, failure) = await HttpJsonExchange.PostAsync(
            _http, provider.ProviderId, new Uri(provider.Endpoint!), body, headers => Authorize(headers, key), key, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var isObject = response.ValueKind == JsonValueKind.Object;
        var result = isObject && response.TryGetProperty("result", out var inner) ? inner : response;
        decimal? billed = isObject && response.TryGetProperty("cost_cents", out var cost) && cost.ValueKind == JsonValueKind.Number
            && cost.TryGetDecimal(out var cents) && cents >= 0
            ? Cents.RoundUp(cents)
            : null;
        return ProviderOutcome.Success(result.Clone(), ParseUsage(JsonRead.Property(response, "usage")), billed);
    }

    /// <inheritdoc />
    public Task<ProviderHealthReport> CheckHealthAsync(ProviderRecord provider, CancellationToken cancellationToken) =>
        Task.FromResult(HttpProviderSupport.CheckConfiguration(provider));

    /// <summary>Token counts from <c>usage</c> in either the Anthropic or the OpenAI spelling, or null.</summary>
    internal static TokenCounts? ParseUsage(JsonElement? usage)
    {
        if (usage is not { ValueKind: JsonValueKind.Object } u)
        {
            return null;
        }

        var input = JsonRead.Long(JsonRead.Property(u, "input_tokens")) ?? JsonRead.Long(JsonRead.Property(u, "prompt_tokens"));
        var output = JsonRead.Long(JsonRead.Property(u, "output_tokens")) ?? JsonRead.Long(JsonRead.Property(u, "completion_tokens"));
        return input is null && output is null ? null : new TokenCounts { Input = input ?? 0, Output = output ?? 0 };
    }

    private static void Authorize(HttpRequestHeaders headers, string? key)
    {
        if (key is not null)
        {
            headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }
}
