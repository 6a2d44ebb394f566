namespace CostOrchestrator.Abstractions.Budget;

/// <summary>The current state of one window of a scope.</summary>
public sealed record WindowState
{
    /// <summary>The window.</summary>
    public required WindowKind Window { get; init; }

    /// <summary>Start of the current window.</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>When the window resets; null for <see cref="WindowKind.Total"/>.</summary>
    public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>The limit in cents.</summary>
    public required decimal LimitCents { get; init; }

    /// <summary>Actual cost committed in this window.</summary>
    public required decimal SpentCents { get; init; }

    /// <summary>Worst-case cost reserved by invocations in flight.</summary>
    public required decimal ReservedCents { get; init; }

    /// <summary>(spent + reserved) / limit, 0..1+ (1 when the limit is zero).</summary>
    public required decimal PctConsumed { get; init; }

    /// <summary>Status from the thresholds.</summary>
    public required BudgetStatus Status { get; init; }
}
