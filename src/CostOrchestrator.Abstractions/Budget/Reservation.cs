namespace CostOrchestrator.Abstractions.Budget;

/// <summary>A reservation of head-room across a scope chain.</summary>
public sealed record Reservation
{
    /// <summary>Its id (<c>res_...</c>).</summary>
    public required string ReservationId { get; init; }

    /// <summary>The caller's idempotency key.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The scopes reserved.</summary>
    public required IReadOnlyList<string> Chain { get; init; }

    /// <summary>The worst-case amount reserved.</summary>
    public required decimal AmountCents { get; init; }

    /// <summary>The actual cost once committed.</summary>
    public decimal? ActualCents { get; init; }

    /// <summary>Its state.</summary>
    public required ReservationState State { get; init; }

    /// <summary>When it is settled if not committed or released.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>True when it used overdraft head-room (high priority).</summary>
    public bool Overdraft { get; init; }

    /// <summary>What it is for.</summary>
    public ChargeAttribution Attribution { get; init; } = new();
}
