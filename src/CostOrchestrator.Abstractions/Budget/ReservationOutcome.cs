namespace CostOrchestrator.Abstractions.Budget;

/// <summary>The answer to a reservation request: a reservation, or the denial naming the scope at fault.</summary>
[GenerateSerializer, Immutable, Alias("costorch.ReservationOutcome")]
public sealed record ReservationOutcome
{
    /// <summary>The reservation when approved.</summary>
    [Id(0)]
    public Reservation? Reservation { get; init; }

    /// <summary>The reason when refused.</summary>
    [Id(1)]
    public BudgetDenial? Denial { get; init; }

    /// <summary>True when approved.</summary>
    public bool Approved => Reservation is not null;
}
