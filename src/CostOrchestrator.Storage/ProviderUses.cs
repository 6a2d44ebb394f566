namespace CostOrchestrator.Storage;

/// <summary>One provider's calls in a period as the store has them: what a quota grain starts its month from.</summary>
public sealed record ProviderUses
{
    /// <summary>
    /// Ledger entries attributed to the provider in the period that are not cache hits: every call committed, and every
    /// reservation settled as spent because its outcome never came back.
    /// </summary>
    public required int Committed { get; init; }

    /// <summary>The provider's reservations still pending (calls that may be in flight), by id.</summary>
    public required IReadOnlyList<string> Pending { get; init; }
}
