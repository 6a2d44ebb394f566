namespace CostOrchestrator.Abstractions.Budget;

/// <summary>A request to reserve the worst-case cost of one invocation against a whole scope chain.</summary>
public sealed record ReservationRequest
{
    /// <summary>Every scope the invocation is charged to. All are reserved or none is.</summary>
    public required IReadOnlyList<string> Chain { get; init; }

    /// <summary>The worst-case cost in cents (>= 0).</summary>
    public required decimal AmountCents { get; init; }

    /// <summary>Run, step, item and attempt, or any caller key: a repeated request returns the first reservation.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>Only high priority may use overdraft head-room. Default: normal.</summary>
    public Priority Priority { get; init; } = Priority.Normal;

    /// <summary>How long the reservation lives before it is settled conservatively. Default: 15 minutes.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>What the invocation is for.</summary>
    public ChargeAttribution Attribution { get; init; } = new();
}
