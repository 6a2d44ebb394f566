namespace CostOrchestrator.Storage;

/// <summary>
/// What a governor activation starts from: the epoch it claimed, its windows' spend and the pending reservations
/// holding room in them — all read after the claim, so they include every write fenced by an older epoch and none
/// that can still land.
/// </summary>
public sealed record GovernorSnapshot
{
    /// <summary>The claimed epoch.</summary>
    public required long Epoch { get; init; }

    /// <summary>Spend of the windows asked for (missing rows as zero).</summary>
    public required IReadOnlyList<SpendRow> Spend { get; init; }

    /// <summary>Pending reservations on the scope, with the scope's windows each one holds room in.</summary>
    public required IReadOnlyList<PendingHold> Holds { get; init; }
}

/// <summary>A pending reservation's hold on one scope.</summary>
/// <param name="ReservationId">The reservation.</param>
/// <param name="AmountCents">Its worst-case amount.</param>
/// <param name="ExpiresAt">When its TTL settles it.</param>
/// <param name="Windows">The scope's windows it holds room in.</param>
/// <param name="ChargedCents">What was charged against it so far (a budget slice's calls; zero for any other reservation).</param>
public sealed record PendingHold(string ReservationId, decimal AmountCents, DateTimeOffset ExpiresAt, IReadOnlyList<SpendKey> Windows, decimal ChargedCents = 0m);
