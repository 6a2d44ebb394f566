using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Storage;

/// <summary>What writing a reservation did.</summary>
public sealed record ReserveResult
{
    /// <summary>The reservation written, or the earlier one with the same idempotency key; null when fenced.</summary>
    public Reservation? Reservation { get; init; }

    /// <summary>True when the idempotency key was already used: nothing new was written.</summary>
    public bool Replayed { get; init; }

    /// <summary>The scope whose governor epoch moved on since it approved: nothing was written.</summary>
    public string? FencedScope { get; init; }
}
