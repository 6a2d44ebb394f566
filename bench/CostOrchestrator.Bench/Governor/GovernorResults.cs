namespace CostOrchestrator.Bench.Governor;

/// <summary>Everything the governor section measured.</summary>
internal sealed record GovernorResults(IReadOnlyList<GovernorRow> Rows, IReadOnlyList<GovernorFigure> Cluster, IReadOnlyList<OverdemandFigure> Overdemand, string? PostgresSettings);
