using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Storage;

/// <summary>
/// A reservation the governors of its scopes approved, to record: the windows it holds room in and the epochs of
/// the governor activations that decided it.
/// </summary>
public sealed record StoreReservation
{
    /// <summary>New id.</summary>
    public required string ReservationId { get; init; }

    /// <summary>Idempotency key: a second reservation with the same key returns the first.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>Every scope charged.</summary>
    public required IReadOnlyList<string> Chain { get; init; }

    /// <summary>Worst-case amount.</summary>
    public required decimal AmountCents { get; init; }

    /// <summary>The windows it holds room in (scopes without a policy have none).</summary>
    public required IReadOnlyList<ReservationTarget> Targets { get; init; }

    /// <summary>The epoch of each approving governor; the write is refused if one moved on.</summary>
    public IReadOnlyList<GovernorFence> Fences { get; init; } = [];

    /// <summary>The silo that writes it (its coordinator's); when that silo is declared dead, the reservation is settled.</summary>
    public string? Silo { get; init; }

    /// <summary>True when some window admitted it only thanks to overdraft head-room.</summary>
    public bool Overdraft { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Expiry.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Attribution.</summary>
    public ChargeAttribution Attribution { get; init; } = new();
}
