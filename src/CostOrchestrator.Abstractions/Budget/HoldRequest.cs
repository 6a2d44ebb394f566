namespace CostOrchestrator.Abstractions.Budget;

/// <summary>A reservation's request for room in one scope.</summary>
[GenerateSerializer, Immutable, Alias("costorch.HoldRequest")]
public sealed record HoldRequest
{
    /// <summary>The reservation.</summary>
    [Id(0)]
    public required string ReservationId { get; init; }

    /// <summary>Worst-case amount, already rounded up to whole micro-cents.</summary>
    [Id(1)]
    public required decimal AmountCents { get; init; }

    /// <summary>High priority may use the scope's overdraft.</summary>
    [Id(2)]
    public Priority Priority { get; init; } = Priority.Normal;

    /// <summary>When the reservation's TTL settles it.</summary>
    [Id(3)]
    public required DateTimeOffset ExpiresAt { get; init; }
}
