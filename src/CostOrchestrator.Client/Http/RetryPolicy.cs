using System.Net;
using System.Net.Http.Headers;

namespace CostOrchestrator.Client.Http;

/// <summary>
/// When an idempotent call is tried again: on 429, 502, 503, 504 and on connection failures, up to
/// <see cref="MaxAttempts"/> attempts, waiting <see cref="BaseDelay"/> doubled per attempt (with ±20 % jitter so
/// many callers hit by one outage do not come back in step) or the node's <c>Retry-After</c> when it sends one.
/// </summary>
internal sealed record RetryPolicy
{
    /// <summary>The policy of every client.</summary>
    public static RetryPolicy Default { get; } = new();

    /// <summary>Attempts in total, the first included. Default: 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The wait before the second attempt; doubled for each one after. Default: 100 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest <c>Retry-After</c> honoured. A node asking for more is answered with its error at once rather than
    /// with a caller blocked for that long. Default: 10 seconds.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>True for the statuses that say "not now" rather than "not this".</summary>
    public static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
        or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>True when the request provably or probably did not reach a node that acted on it, or the answer was lost.</summary>
    public static bool IsTransient(HttpRequestException exception) => exception.HttpRequestError is HttpRequestError.ConnectionError
        or HttpRequestError.NameResolutionError or HttpRequestError.ResponseEnded;

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan Backoff(int attempt)
    {
        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(exponential * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    /// <summary>The wait the node asked for, or null when it asked for none; <see cref="TimeSpan.MaxValue"/> when it asked for too long.</summary>
    public TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        var wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => (TimeSpan?)null,
        };
        return wait is null ? null : wait.Value > MaxRetryAfter ? TimeSpan.MaxValue : wait.Value < TimeSpan.Zero ? TimeSpan.Zero : wait.Value;
    }
}
