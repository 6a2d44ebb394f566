namespace CostOrchestrator.Abstractions.Budget;

/// <summary>A request to reserve the worst-case cost of one invocation against a whole scope chain.</summary>
[GenerateSerializer, Immutable, Alias("costorch.ReservationRequest")]
public sealed record ReservationRequest
{
    /// <summary>Every scope the invocation is charged to. All are reserved or none is.</summary>
    [Id(0)]
    public required IReadOnlyList<string> Chain { get; init; }

    /// <summary>The worst-case cost in cents (>= 0).</summary>
    [Id(1)]
    public required decimal AmountCents { get; init; }

    /// <summary>Run, step, item and attempt, or any caller key: a repeated request returns the first reservation.</summary>
    [Id(2)]
    public required string IdempotencyKey { get; init; }

    /// <summary>Only high priority may use overdraft head-room. Default: normal.</summary>
    [Id(3)]
    public Priority Priority { get; init; } = Priority.Normal;

    /// <summary>How long the reservation lives before it is settled conservatively. Default: 15 minutes.</summary>
    [Id(4)]
    public TimeSpan? Ttl { get; init; }

    /// <summary>What the invocation is for.</summary>
    [Id(5)]
    public ChargeAttribution Attribution { get; init; } = new();
}
