using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CostOrchestrator.Providers.Http;

/// <summary>One JSON request and JSON response, with failures mapped by <see cref="HttpProviderError"/>.</summary>
internal static class HttpJsonExchange
{
    /// <summary>Posts <paramref name="body"/>; returns the parsed response body, or the failure.</summary>
    public static async Task<(JsonElement Body, ProviderOutcome? Failure)> PostAsync(
        HttpClient http,
        string providerId,
        Uri uri,
        JsonNode body,
        Action<HttpRequestHeaders> addHeaders,
        string? apiKey,
        CancellationToken cancellationToken)
    {
        using var request = CreateRequest(uri, body, addHeaders);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (default, HttpProviderError.FromStatus(providerId, response.StatusCode, text, apiKey));
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                return (document.RootElement.Clone(), null);
            }
            catch (JsonException)
            {
                // The call went through and may have been billed: retrying would pay again for the same garbage.
                return (default, ProviderOutcome.Failure(
                    $"{providerId}: HTTP {(int)response.StatusCode} response is not JSON: {HttpProviderError.Excerpt(text, apiKey)}", retryable: false));
            }
        }
        catch (Exception ex) when (HttpProviderError.FromException(providerId, ex, apiKey, cancellationToken) is { } failure)
        {
            return (default, failure);
        }
    }

    /// <summary>A POST of <paramref name="body"/> as UTF-8 JSON.</summary>
    public static HttpRequestMessage CreateRequest(Uri uri, JsonNode body, Action<HttpRequestHeaders> addHeaders)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        addHeaders(request.Headers);
        return request;
    }
}
