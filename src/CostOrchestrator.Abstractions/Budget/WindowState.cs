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

    /// <summary>Cents committed per hour of the window so far (over at least its first 1/24th).</summary>
    [Id(8)]
    public decimal BurnRateCentsPerHour { get; init; }

    /// <summary>Spent and reserved now plus the burn rate over the rest of the window: where it ends at this rate.</summary>
    [Id(9)]
    public decimal ProjectedCents { get; init; }

    /// <summary>When the limit is reached at this rate, if before the window resets (null: it is not).</summary>
    [Id(10)]
    public DateTimeOffset? ExhaustsAt { get; init; }
}
