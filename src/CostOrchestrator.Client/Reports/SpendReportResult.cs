using CostOrchestrator.Abstractions.Reports;

namespace CostOrchestrator.Client.Reports;

/// <summary>A spend report as rows (<c>GET /v1/reports/spend</c>).</summary>
public sealed record SpendReportResult
{
    /// <summary>The rows, ordered by bucket then key.</summary>
    public required IReadOnlyList<SpendReportRow> Rows { get; init; }

    /// <summary>True when the range held more entries or runs than a report sums: the oldest part of the range is missing.</summary>
    public bool Truncated { get; init; }
}
