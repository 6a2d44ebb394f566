namespace CostOrchestrator.Abstractions.Registry;

/// <summary>How much of a subscription provider's <c>monthly_quota</c> is taken, as its quota grain counts it.</summary>
[GenerateSerializer, Immutable, Alias("costorch.QuotaUsage")]
public sealed record QuotaUsage
{
    /// <summary>The calendar month counted (its start, in the node's time zone, as a UTC instant).</summary>
    [Id(0)]
    public required DateTimeOffset MonthStart { get; init; }

    /// <summary>Successful calls this month: reservations committed, or settled as spent because their outcome never came back.</summary>
    [Id(1)]
    public required int Used { get; init; }

    /// <summary>Calls admitted and not finished yet; each takes room until it ends.</summary>
    [Id(2)]
    public int InFlight { get; init; }
}
