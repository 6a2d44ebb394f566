namespace CostOrchestrator.Storage;

/// <summary>A filter over the ledger.</summary>
public sealed record LedgerQuery
{
    /// <summary>Only entries charged to this scope.</summary>
    public string? Scope { get; init; }

    /// <summary>Only entries of this run.</summary>
    public string? RunId { get; init; }

    /// <summary>From (inclusive).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>To (exclusive).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>At most this many, newest first. Default: 10,000.</summary>
    public int Limit { get; init; } = 10_000;
}
