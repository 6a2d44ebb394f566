namespace CostOrchestrator.Grains.Hosting;

/// <summary>
/// The Orleans grain storage grains persist their state in: SQLite (<c>SqliteGrainStorage</c>) on an embedded node,
/// Orleans' ADO.NET grain storage on PostgreSQL in a cluster, both in the node's own database.
/// </summary>
public static class GrainStorage
{
    /// <summary>The storage provider's name, as grains name it in <c>[PersistentState]</c>.</summary>
    public const string Name = "costorch";
}
