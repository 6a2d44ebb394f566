namespace CostOrchestrator.Server.Reports;

/// <summary>One bucket of one key in a spend report.</summary>
public sealed record SpendReportRow
{
    /// <summary>Start of the hour or day, in the node's budget time zone.</summary>
    public required DateTimeOffset BucketStart { get; init; }

    /// <summary>The capability, provider or scope.</summary>
    public required string Key { get; init; }

    /// <summary>Cents charged (actual cost).</summary>
    public required decimal SpentCents { get; init; }

    /// <summary>Cents the cache saved (what the cached call would have cost).</summary>
    public required decimal SavedCents { get; init; }

    /// <summary>Ledger entries summed.</summary>
    public required int Invocations { get; init; }
}
