namespace CostOrchestrator.Abstractions.Budget;

/// <summary>A reservation of head-room across a scope chain.</summary>
[GenerateSerializer, Immutable, Alias("costorch.Reservation")]
public sealed record Reservation
{
    /// <summary>Its id (<c>res_...</c>).</summary>
    [Id(0)]
    public required string ReservationId { get; init; }

    /// <summary>The caller's idempotency key.</summary>
    [Id(1)]
    public required string IdempotencyKey { get; init; }

    /// <summary>The scopes reserved.</summary>
    [Id(2)]
    public required IReadOnlyList<string> Chain { get; init; }

    /// <summary>The worst-case amount reserved.</summary>
    [Id(3)]
    public required decimal AmountCents { get; init; }

    /// <summary>The actual cost once committed.</summary>
    [Id(4)]
    public decimal? ActualCents { get; init; }

    /// <summary>Its state.</summary>
    [Id(5)]
    public required ReservationState State { get; init; }

    /// <summary>When it is settled if not committed or released.</summary>
    [Id(6)]
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>True when it used overdraft head-room (high priority).</summary>
    [Id(7)]
    public bool Overdraft { get; init; }

    /// <summary>What it is for.</summary>
    [Id(8)]
    public ChargeAttribution Attribution { get; init; } = new();
}
