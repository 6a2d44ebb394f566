namespace CostOrchestrator.Abstractions.Registry;

/// <summary>
/// What a provider charges, in cents (fractions allowed). Only the fields of the chosen
/// <see cref="Kind"/> are used; the others must be absent.
/// </summary>
[GenerateSerializer, Immutable, Alias("costorch.CostModel")]
public sealed record CostModel
{
    /// <summary>The pricing scheme.</summary>
    [Id(0)]
    public required CostModelKind Kind { get; init; }

    /// <summary>Per-invocation: cents per call.</summary>
    [Id(1)]
    public decimal? CentsPerInvocation { get; init; }

    /// <summary>Per-token: cents per one million input tokens.</summary>
    [Id(2)]
    public decimal? InputCentsPerMillionTokens { get; init; }

    /// <summary>Per-token: cents per one million output tokens.</summary>
    [Id(3)]
    public decimal? OutputCentsPerMillionTokens { get; init; }

    /// <summary>Per-token: cents per one million cached input tokens. Default: the input price.</summary>
    [Id(4)]
    public decimal? CachedInputCentsPerMillionTokens { get; init; }

    /// <summary>Per-token: the output tokens assumed when a call gives no <c>max_tokens</c>. Default: 1024.</summary>
    [Id(5)]
    public int? DefaultMaxOutputTokens { get; init; }

    /// <summary>Per-unit: cents per unit.</summary>
    [Id(6)]
    public decimal? CentsPerUnit { get; init; }

    /// <summary>Per-unit: the unit's name (<c>character</c>, <c>second</c>, <c>image</c>, <c>minute</c>).</summary>
    [Id(7)]
    public string? Unit { get; init; }

    /// <summary>
    /// Per-unit: the input field that gives the quantity. A string input counts its characters;
    /// a number is taken as is. Default: one unit per call.
    /// </summary>
    [Id(8)]
    public string? QuantityInput { get; init; }

    /// <summary>Per-unit: the quantity assumed when the input field is absent. Default: 1.</summary>
    [Id(9)]
    public decimal? DefaultQuantity { get; init; }

    /// <summary>Subscription: the flat monthly fee in cents (reported, not charged per call).</summary>
    [Id(10)]
    public decimal? MonthlyCents { get; init; }

    /// <summary>Subscription: calls included per calendar month; absent means unlimited.</summary>
    [Id(11)]
    public int? MonthlyQuota { get; init; }
}
