using CostOrchestrator.Bench.Load;

namespace CostOrchestrator.Bench.Governor;

/// <summary>pgbench's hot-row conditional update: transactions per second and their latency from its per-transaction log.</summary>
internal sealed record PgBenchFigure(string Scopes, int Clients, double Tps, long Transactions, Latency Latency);
