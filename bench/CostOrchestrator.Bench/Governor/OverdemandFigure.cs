using CostOrchestrator.Bench.Checks;

namespace CostOrchestrator.Bench.Governor;

/// <summary>
/// Callers asking for far more than a scope's limit: each reserves until it is refused. What is granted must fit the
/// limit exactly, and what was spent must be the granted calls' cost.
/// </summary>
internal sealed record OverdemandFigure(string Cluster, int Callers, decimal LimitCents, decimal ReserveCents, decimal ActualCents,
    long Granted, long Denied, TimeSpan Elapsed, LedgerCheckResult Check);
