using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Storage;

/// <summary>A commit to write: a reservation replaced by its actual cost (and, for a run's step, its journal entry).</summary>
public sealed record StoreCommit
{
    /// <summary>The reservation.</summary>
    public required string ReservationId { get; init; }

    /// <summary>The actual cost, rounded up to the micro-cent.</summary>
    public required decimal ActualCents { get; init; }

    /// <summary>Tokens used, when known.</summary>
    public TokenCounts? Tokens { get; init; }

    /// <summary>When it was committed (the ledger entry's time).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The run step's journal entry, written in the same transaction.</summary>
    public JournalEntry? Journal { get; init; }
}
