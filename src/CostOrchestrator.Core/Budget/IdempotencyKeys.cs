namespace CostOrchestrator.Core.Budget;

/// <summary>What an idempotency key may be, wherever it arrives (a reservation's body, an <c>Idempotency-Key</c> header).</summary>
public static class IdempotencyKeys
{
    /// <summary>The longest key accepted, in UTF-16 code units.</summary>
    public const int MaxLength = 200;

    /// <summary>The rule, as error text after the field's name.</summary>
    public const string RuleText = "must be 1-200 characters with no control characters";

    /// <summary>True when <paramref name="key"/> is a usable key: not blank, at most 200 characters, no control characters.</summary>
    public static bool IsValid(string? key) =>
        !string.IsNullOrWhiteSpace(key) && key.Length <= MaxLength && !key.Any(char.IsControl);
}
