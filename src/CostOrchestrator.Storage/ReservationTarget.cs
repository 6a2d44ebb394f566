using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Storage;

/// <summary>One scope window a reservation must fit in.</summary>
public sealed record ReservationTarget
{
    /// <summary>The scope.</summary>
    public required string Scope { get; init; }

    /// <summary>The window.</summary>
    public required WindowKind Window { get; init; }

    /// <summary>The window's start; with scope and window it keys the spend row.</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>The window's limit.</summary>
    public required decimal LimitCents { get; init; }

    /// <summary>Extra head-room this request may use (overdraft for high priority), else 0.</summary>
    public decimal OverdraftCents { get; init; }
}
