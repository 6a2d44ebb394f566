namespace CostOrchestrator.Bench.Governor;

/// <summary>One row of the governor table: the same scope set and callers embedded, on PostgreSQL, and in pgbench.</summary>
internal sealed record GovernorRow(string Scopes, int Callers, GovernorFigure Embedded, GovernorFigure? Postgres, PgBenchFigure? PgBench);
