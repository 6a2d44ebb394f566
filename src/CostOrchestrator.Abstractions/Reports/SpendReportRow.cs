namespace CostOrchestrator.Abstractions.Reports;

/// <summary>
/// One bucket of one key in a spend report (<c>GET /v1/reports/spend</c>). Every row sums ledger entries; provider
/// rows add what was estimated, pipeline rows add the runs and what a successful one cost. A field that does not
/// apply to the grouping is null (absent from the JSON, an empty CSV cell).
/// </summary>
[GenerateSerializer, Immutable, Alias("costorch.SpendReportRow")]
public sealed record SpendReportRow
{
    /// <summary>Start of the hour or day, in the node's budget time zone.</summary>
    [Id(0)]
    public required DateTimeOffset BucketStart { get; init; }

    /// <summary>The capability, provider, scope or pipeline; <c>unattributed</c> for entries recorded without one.</summary>
    [Id(1)]
    public required string Key { get; init; }

    /// <summary>Cents charged (actual cost).</summary>
    [Id(2)]
    public required decimal SpentCents { get; init; }

    /// <summary>Cents the cache saved (what the cached call would have cost).</summary>
    [Id(3)]
    public required decimal SavedCents { get; init; }

    /// <summary>Ledger entries summed.</summary>
    [Id(4)]
    public required int Invocations { get; init; }

    /// <summary>
    /// Provider rows: the cents reserved for the same entries (each call's worst-case estimate), to set against
    /// <see cref="SpentCents"/>. Null for other groupings.
    /// </summary>
    [Id(5)]
    public decimal? EstimatedCents { get; init; }

    /// <summary>
    /// Provider rows: how far actual strayed from estimated, (spent − estimated) ÷ estimated × 100, rounded to two
    /// decimals; −40 means the calls cost 40 % less than reserved. Null when nothing was estimated, and for other groupings.
    /// </summary>
    [Id(6)]
    public decimal? DriftPercent { get; init; }

    /// <summary>Pipeline rows: runs created in the bucket that succeeded. Null for other groupings.</summary>
    [Id(7)]
    public int? RunsSucceeded { get; init; }

    /// <summary>Pipeline rows: runs created in the bucket that failed. Null for other groupings.</summary>
    [Id(8)]
    public int? RunsFailed { get; init; }

    /// <summary>Pipeline rows: runs created in the bucket that a budget refused. Null for other groupings.</summary>
    [Id(9)]
    public int? RunsBudgetRejected { get; init; }

    /// <summary>Pipeline rows: runs created in the bucket that were cancelled. Null for other groupings.</summary>
    [Id(10)]
    public int? RunsCancelled { get; init; }

    /// <summary>
    /// Pipeline rows: <see cref="SpentCents"/> ÷ <see cref="RunsSucceeded"/>, rounded to the micro-cent: what each
    /// success really cost, since the spend of failed, refused and cancelled runs is included. Null without a success.
    /// </summary>
    [Id(11)]
    public decimal? CostPerSuccessfulRunCents { get; init; }
}
