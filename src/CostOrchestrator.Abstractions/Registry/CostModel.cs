namespace CostOrchestrator.Abstractions.Registry;

/// <summary>
/// What a provider charges, in cents (fractions allowed). Only the fields of the chosen
/// <see cref="Kind"/> are used; the others must be absent.
/// </summary>
public sealed record CostModel
{
    /// <summary>The pricing scheme.</summary>
    public required CostModelKind Kind { get; init; }

    /// <summary>Per-invocation: cents per call.</summary>
    public decimal? CentsPerInvocation { get; init; }

    /// <summary>Per-token: cents per one million input tokens.</summary>
    public decimal? InputCentsPerMillionTokens { get; init; }

    /// <summary>Per-token: cents per one million output tokens.</summary>
    public decimal? OutputCentsPerMillionTokens { get; init; }

    /// <summary>Per-token: cents per one million cached input tokens. Default: the input price.</summary>
    public decimal? CachedInputCentsPerMillionTokens { get; init; }

    /// <summary>Per-token: the output tokens assumed when a call gives no <c>max_tokens</c>. Default: 1024.</summary>
    public int? DefaultMaxOutputTokens { get; init; }

    /// <summary>Per-unit: cents per unit.</summary>
    public decimal? CentsPerUnit { get; init; }

    /// <summary>Per-unit: the unit's name (<c>character</c>, <c>second</c>, <c>image</c>, <c>minute</c>).</summary>
    public string? Unit { get; init; }

    /// <summary>
    /// Per-unit: the input field that gives the quantity. A string input counts its characters;
    /// a number is taken as is. Default: one unit per call.
    /// </summary>
    public string? QuantityInput { get; init; }

    /// <summary>Per-unit: the quantity assumed when the input field is absent. Default: 1.</summary>
    public decimal? DefaultQuantity { get; init; }

    /// <summary>Subscription: the flat monthly fee in cents (reported, not charged per call).</summary>
    public decimal? MonthlyCents { get; init; }

    /// <summary>Subscription: calls included per calendar month; absent means unlimited.</summary>
    public int? MonthlyQuota { get; init; }
}
