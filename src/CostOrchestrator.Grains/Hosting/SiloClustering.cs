namespace CostOrchestrator.Grains.Hosting;

/// <summary>Where Orleans keeps cluster membership.</summary>
public enum SiloClustering
{
    /// <summary>One silo, membership in memory (the embedded node).</summary>
    Localhost,

    /// <summary>Orleans' ADO.NET clustering on PostgreSQL (invariant Npgsql): a cluster of any size.</summary>
    AdoNet,

    /// <summary>
    /// The host configures membership and endpoints itself (Orleans' TestingHost with its in-memory membership and
    /// transport, or a membership provider of the operator's choice); the node adds everything else.
    /// </summary>
    External,
}
