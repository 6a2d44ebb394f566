using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Registry;

namespace CostOrchestrator.Providers;

/// <summary>How a streamed chat completion ended, and what it used.</summary>
public sealed record StreamedChatOutcome
{
    /// <summary>
    /// The usage the upstream reported in its final chunk. Null when the stream did not get that far (the
    /// caller cancelled, the connection broke) or the upstream never sent one: charge
    /// <see cref="UsageOrEstimate"/> then.
    /// </summary>
    public TokenCounts? Usage { get; init; }

    /// <summary>Why the stream failed or stopped early; null when it completed.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// True when the failure is transient and nothing was forwarded yet, so the caller may try again or fall
    /// through to another provider without its client seeing a half answer.
    /// </summary>
    public bool Retryable { get; init; }

    /// <summary>True when the upstream finished the stream (<c>[DONE]</c> or end of body) without an error.</summary>
    public bool Completed { get; init; }

    /// <summary>The concatenated <c>delta.content</c> of every chunk received.</summary>
    public string Content { get; init; } = string.Empty;

    /// <summary>How many chunks carried content.</summary>
    public int OutputChunks { get; init; }

    /// <summary>
    /// Output tokens of content streamed so far, estimated with <see cref="TokenEstimator.ForText"/> (errs high).
    /// The upstream may have generated a little more than reached us before it was stopped.
    /// </summary>
    public static long EstimateOutputTokens(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return TokenEstimator.ForText(content);
    }

    /// <summary>
    /// The reported usage, or an estimate when there is none: the request's input tokens
    /// (<see cref="TokenEstimator.CountInputTokens"/>) and <see cref="EstimateOutputTokens"/> of <see cref="Content"/>.
    /// </summary>
    /// <param name="requestBody">The chat request that was streamed.</param>
    public TokenCounts UsageOrEstimate(JsonElement requestBody) =>
        Usage ?? new TokenCounts { Input = TokenEstimator.CountInputTokens(requestBody), Output = EstimateOutputTokens(Content) };
}
