using System.Net.Http.Headers;
using System.Net.Http.Json;
using CostOrchestrator.Abstractions.Serialization;

namespace CostOrchestrator.Client.Http;

/// <summary>
/// Sends requests to one node: adds the bearer token, retries idempotent calls on transient failures
/// (<see cref="RetryPolicy"/>), reads bodies in the wire JSON and turns error responses into <see cref="Problem"/>s.
/// </summary>
internal sealed class ApiConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly bool _ownsHttp;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly RetryPolicy _retry;
    private readonly TimeProvider _time;

    public ApiConnection(HttpClient http, Uri baseAddress, bool ownsHttp, string? token, RetryPolicy retry, TimeProvider time)
    {
        _http = http;

        // Relative paths resolve under the base's last segment only when it ends in '/': http://host/prefix -> http://host/prefix/.
        _baseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _ownsHttp = ownsHttp;
        _authorization = string.IsNullOrEmpty(token) ? null : new AuthenticationHeaderValue("Bearer", token);
        _retry = retry;
        _time = time;
    }

    public TimeProvider Time => _time;

    /// <summary>
    /// Sends one call. With <paramref name="idempotent"/>, transient failures are tried again; the response returned
    /// is the last one (success or not), and the last connection failure is rethrown.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, RequestBody? body, bool idempotent, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var canRetry = idempotent && attempt < _retry.MaxAttempts;
            HttpResponseMessage response;
            using (var request = new HttpRequestMessage(method, new Uri(_baseAddress, path)))
            {
                // Per request, not on DefaultRequestHeaders: a caller's shared HttpClient must not learn our token.
                request.Headers.Authorization = _authorization;
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                request.Content = body?.CreateContent();
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException ex) when (canRetry && RetryPolicy.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(_retry.Backoff(attempt), _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            if (!canRetry || !RetryPolicy.IsTransient(response.StatusCode))
            {
                return response;
            }

            var wait = _retry.RetryAfter(response.Headers.RetryAfter, _time.GetUtcNow()) ?? _retry.Backoff(attempt);
            if (wait == TimeSpan.MaxValue)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a call whose every non-success answer is an error, and reads the success body.</summary>
    public async Task<T> SendAsync<T>(HttpMethod method, string path, RequestBody? body, bool idempotent, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body, idempotent, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(method, path, response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Like <see cref="SendAsync{T}"/>, but the node's 404 <c>not_found</c> is an answer: null.</summary>
    public async Task<T?> SendOrNotFoundAsync<T>(HttpMethod method, string path, RequestBody? body, bool idempotent, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendAsync(method, path, body, idempotent, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await Problem.ReadAsync(response, cancellationToken).ConfigureAwait(false);
            return problem.IsNotFound ? null : throw problem.ToException(Describe(method, path));
        }

        return await ReadAsync<T>(method, path, response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The success body, or the error as an exception.</summary>
    public static async Task<T> ReadAsync<T>(HttpMethod method, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw (await Problem.ReadAsync(response, cancellationToken).ConfigureAwait(false)).ToException(Describe(method, path));
        }

        var value = await response.Content.ReadFromJsonAsync<T>(CostOrchestratorJson.Options, cancellationToken).ConfigureAwait(false);
        return value ?? throw new InvalidOperationException($"{Describe(method, path)} answered {(int)response.StatusCode} with an empty body.");
    }

    /// <summary>The success body as text (CSV, say), or the error as an exception.</summary>
    public static async Task<string> ReadTextAsync(HttpMethod method, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw (await Problem.ReadAsync(response, cancellationToken).ConfigureAwait(false)).ToException(Describe(method, path));
        }

        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How a call is named in errors: method and relative path, never headers.</summary>
    public static string Describe(HttpMethod method, string path) => $"{method} {path}";

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
