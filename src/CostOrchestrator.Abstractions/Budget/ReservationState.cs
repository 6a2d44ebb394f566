namespace CostOrchestrator.Abstractions.Budget;

/// <summary>The life of a reservation.</summary>
[GenerateSerializer, Alias("costorch.ReservationState")]
public enum ReservationState
{
    /// <summary>Holding head-room; the invocation is in flight.</summary>
    Pending,

    /// <summary>Replaced by the actual cost.</summary>
    Committed,

    /// <summary>Given back: the invocation did not happen.</summary>
    Released,

    /// <summary>Expired without a commit: kept as spent at the reserved amount and flagged.</summary>
    Unreconciled,
}
