namespace CostOrchestrator.Client.Reports;

/// <summary>A spend report as the node writes it in CSV (<c>GET /v1/reports/spend?format=csv</c>).</summary>
public sealed record SpendReportCsvResult
{
    /// <summary>A header line, then one line per row, numbers exactly as in the JSON rows.</summary>
    public required string Csv { get; init; }

    /// <summary>True when the range held more entries or runs than a report sums: the oldest part of the range is missing.</summary>
    public bool Truncated { get; init; }
}
