using System.Net;

namespace CostOrchestrator.Providers.Http;

/// <summary>
/// Turns HTTP failures into <see cref="ProviderOutcome"/> values: transient ones (timeouts, network errors,
/// 408, 409, 429, 5xx gateway and availability errors) are retryable, other client errors are not.
/// Messages name the provider, the status and a short excerpt of the body, with the API key masked.
/// </summary>
public static class HttpProviderError
{
    /// <summary>The longest body excerpt put in an error message, in characters.</summary>
    public const int MaxExcerptLength = 300;

    /// <summary>True for statuses where the same request may succeed later.</summary>
    public static bool IsRetryable(HttpStatusCode status) => (int)status switch
    {
        408 or 409 or 429 or 500 or 502 or 503 or 504 => true,
        // Anthropic's "overloaded_error": documented as transient, to be retried with back-off.
        529 => true,
        _ => false,
    };

    /// <summary>A failure for a non-success status.</summary>
    /// <param name="providerId">The provider, named in the message.</param>
    /// <param name="status">The upstream status.</param>
    /// <param name="body">The upstream body; only an excerpt is kept.</param>
    /// <param name="apiKey">The key sent, masked if the upstream echoes it.</param>
    public static ProviderOutcome FromStatus(string providerId, HttpStatusCode status, string? body, string? apiKey) =>
        ProviderOutcome.Failure(
            $"{providerId}: HTTP {(int)status}{Suffix(Excerpt(body, apiKey))}",
            IsRetryable(status));

    /// <summary>
    /// A failure for an exception thrown while calling the provider, or null when the exception is not an
    /// expected HTTP failure (a bug, which the caller should let through). Cancellation by
    /// <paramref name="cancellationToken"/> is not a failure either: the caller's own timeout or shutdown
    /// decides what it means, so this returns null and the exception should propagate.
    /// </summary>
    public static ProviderOutcome? FromException(string providerId, Exception exception, string? apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            // HttpClient.Timeout, or the connection timing out: the caller did not ask to stop.
            OperationCanceledException => ProviderOutcome.Failure($"{providerId}: request timed out", retryable: true),
            HttpRequestException http => ProviderOutcome.Failure(
                $"{providerId}: request failed{(http.StatusCode is { } s ? $" (HTTP {(int)s})" : string.Empty)}: {Mask(http.Message, apiKey)}",
                retryable: true),
            IOException io => ProviderOutcome.Failure($"{providerId}: connection failed: {Mask(io.Message, apiKey)}", retryable: true),
            _ => null,
        };
    }

    /// <summary>At most <see cref="MaxExcerptLength"/> characters of a body on one line, with the key masked.</summary>
    public static string Excerpt(string? body, string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return string.Empty;
        }

        // Mask before cutting so a key split by the cut cannot leak its first half.
        var text = Mask(body, apiKey).ReplaceLineEndings(" ").Trim();
        return text.Length <= MaxExcerptLength ? text : text[..(MaxExcerptLength - 1)] + "…";
    }

    /// <summary>The text with every occurrence of the key replaced by <c>***</c>.</summary>
    public static string Mask(string text, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.IsNullOrEmpty(apiKey) ? text : text.Replace(apiKey, "***", StringComparison.Ordinal);
    }

    private static string Suffix(string excerpt) => excerpt.Length == 0 ? string.Empty : ": " + excerpt;
}
