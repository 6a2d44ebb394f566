namespace CostOrchestrator.Abstractions.Budget;

/// <summary>The current state of one window of a scope.</summary>
[GenerateSerializer, Immutable, Alias("costorch.WindowState")]
public sealed record WindowState
{
    /// <summary>The window.</summary>
    [Id(0)]
    public required WindowKind Window { get; init; }

    /// <summary>Start of the current window.</summary>
    [Id(1)]
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>When the window resets; null for <see cref="WindowKind.Total"/>.</summary>
    [Id(2)]
    public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>The limit in cents.</summary>
    [Id(3)]
    public required decimal LimitCents { get; init; }

    /// <summary>Actual cost committed in this window.</summary>
    [Id(4)]
    public required decimal SpentCents { get; init; }

    /// <summary>Worst-case cost reserved by invocations in flight.</summary>
    [Id(5)]
    public required decimal ReservedCents { get; init; }

    /// <summary>(spent + reserved) / limit, 0..1+ (1 when the limit is zero).</summary>
    [Id(6)]
    public required decimal PctConsumed { get; init; }

    /// <summary>Status from the thresholds.</summary>
    [Id(7)]
    public required BudgetStatus Status { get; init; }
}
