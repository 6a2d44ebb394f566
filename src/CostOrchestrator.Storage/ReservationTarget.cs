using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Storage;

/// <summary>One scope window a reservation holds room in (the governor of the scope decided it fits).</summary>
public sealed record ReservationTarget
{
    /// <summary>The scope.</summary>
    public required string Scope { get; init; }

    /// <summary>The window.</summary>
    public required WindowKind Window { get; init; }

    /// <summary>The window's start; with scope and window it keys the spend row.</summary>
    public required DateTimeOffset WindowStart { get; init; }
}
