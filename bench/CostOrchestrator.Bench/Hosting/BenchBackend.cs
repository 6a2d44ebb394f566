namespace CostOrchestrator.Bench.Hosting;

/// <summary>Where a figure's nodes keep their state.</summary>
internal enum BenchBackend
{
    /// <summary>The embedded node: SQLite (synchronous=FULL), one silo.</summary>
    Sqlite,

    /// <summary>The bench's PostgreSQL (fsync on), a fresh schema per figure, ADO.NET clustering.</summary>
    Postgres,
}
