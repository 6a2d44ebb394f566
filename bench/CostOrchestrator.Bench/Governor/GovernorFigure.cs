using CostOrchestrator.Bench.Checks;
using CostOrchestrator.Bench.Load;

namespace CostOrchestrator.Bench.Governor;

/// <summary>Reserve + commit through the coordinator on one cluster, one scope set, one number of callers.</summary>
internal sealed record GovernorFigure(string Cluster, string Scopes, int Callers, LoadResult Load, LedgerCheckResult Check);
