using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Providers.Http;

/// <summary>What the HTTP adapters share: the endpoint and key checks behind their health reports, and the client.</summary>
public static class HttpProviderSupport
{
    /// <summary>
    /// A client suited to one per node: no client-wide timeout (each call's timeout is the caller's cancellation
    /// token) and pooled connections recycled every few minutes so DNS changes are picked up.
    /// </summary>
    public static HttpClient CreateClient() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// The health of an HTTP provider without calling it: the endpoint must be an absolute http(s) URL and, when
    /// the record names an API key variable, that variable must be set. Calling the provider would cost money
    /// on some of them and would not say more than the first real call does.
    /// </summary>
    public static ProviderHealthReport CheckConfiguration(ProviderRecord provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (EndpointError(provider) is { } endpointError)
        {
            return new ProviderHealthReport(false, endpointError);
        }

        if (provider.ApiKeyEnv is { Length: > 0 } env && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(env)))
        {
            return new ProviderHealthReport(false, MissingKey(env));
        }

        return new ProviderHealthReport(true);
    }

    /// <summary>The endpoint as a URI, or why it is not usable.</summary>
    internal static string? EndpointError(ProviderRecord provider) =>
        provider.Endpoint is not { Length: > 0 } endpoint
            ? "endpoint is not set"
            : !TryEndpoint(endpoint, out _)
                ? $"endpoint '{endpoint}' is not an absolute http(s) URL"
                : null;

    /// <summary>
    /// Reads the key named by <see cref="ProviderRecord.ApiKeyEnv"/>: (null, null) when the provider needs none,
    /// (key, null) when set, (null, error) when the variable is named but empty.
    /// </summary>
    internal static (string? Key, string? Error) ReadKey(ProviderRecord provider)
    {
        if (provider.ApiKeyEnv is not { Length: > 0 } env)
        {
            return (null, null);
        }

        var key = Environment.GetEnvironmentVariable(env);
        return string.IsNullOrEmpty(key) ? (null, MissingKey(env)) : (key, null);
    }

    /// <summary>The endpoint with <paramref name="path"/> appended (<c>http://host/v1</c> + <c>chat/completions</c>).</summary>
    internal static Uri Combine(string endpoint, string path) => new(endpoint.TrimEnd('/') + "/" + path.TrimStart('/'));

    internal static bool TryEndpoint(string endpoint, out Uri? uri) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string MissingKey(string env) => $"env var {env} is not set";
}
