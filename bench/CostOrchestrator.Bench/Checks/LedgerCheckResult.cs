namespace CostOrchestrator.Bench.Checks;

/// <summary>What the check after one figure found, summed over the limited scopes it used.</summary>
internal sealed record LedgerCheckResult
{
    /// <summary>The figure checked.</summary>
    public required string Figure { get; init; }

    /// <summary>Limited scopes checked.</summary>
    public required int Scopes { get; init; }

    /// <summary>Ledger entries on the node's store after the figure.</summary>
    public required int LedgerEntries { get; init; }

    /// <summary>The governors' spent, summed over the scopes (each from its own budget).</summary>
    public required decimal SpentCents { get; init; }

    /// <summary>The ledger's actual cost, summed per scope as its chains name it, then over the scopes.</summary>
    public required decimal LedgerCents { get; init; }

    /// <summary>Still reserved over the scopes once every call answered (should be 0).</summary>
    public required decimal ReservedCents { get; init; }

    /// <summary>The largest spent / limit over the scopes' windows (at most 1: nothing overspent).</summary>
    public required decimal HighestUse { get; init; }

    /// <summary>Every mismatch; empty when the figure passed.</summary>
    public required IReadOnlyList<string> Failures { get; init; }

    /// <summary>True when nothing was overspent and the ledger equals the governors' totals.</summary>
    public bool Passed => Failures.Count == 0;
}
