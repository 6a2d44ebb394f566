using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Providers;

/// <summary>What a provider call produced: a result with usage, or an error that says whether a retry may help.</summary>
public sealed record ProviderOutcome
{
    /// <summary>The output on success.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Token usage reported by the provider.</summary>
    public TokenCounts? Usage { get; init; }

    /// <summary>What the provider says it billed, when it says; otherwise the cost comes from the cost model.</summary>
    public decimal? BilledCents { get; init; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    /// <summary>True when the failure is transient (timeouts, 429, 5xx).</summary>
    public bool Retryable { get; init; }

    /// <summary>True on success.</summary>
    public bool Succeeded => Result is not null && Error is null;

    /// <summary>A success.</summary>
    public static ProviderOutcome Success(JsonElement result, TokenCounts? usage = null, decimal? billedCents = null) =>
        new() { Result = result, Usage = usage, BilledCents = billedCents };

    /// <summary>A failure.</summary>
    public static ProviderOutcome Failure(string error, bool retryable) => new() { Error = error, Retryable = retryable };
}
