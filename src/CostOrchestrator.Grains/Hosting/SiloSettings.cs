using System.Net;

namespace CostOrchestrator.Grains.Hosting;

/// <summary>How a node's Orleans silo finds its peers.</summary>
public sealed record SiloSettings
{
    /// <summary>
    /// <see cref="SiloClustering.Localhost"/>: one silo on this machine (the embedded node). <see cref="SiloClustering.AdoNet"/>:
    /// membership in PostgreSQL, any number of silos. Default: localhost.
    /// </summary>
    public SiloClustering Clustering { get; init; } = SiloClustering.Localhost;

    /// <summary>
    /// PostgreSQL for the node: our store (unless a store factory is given), Orleans' reminders and, with
    /// <see cref="SiloClustering.AdoNet"/>, membership. Null: the embedded SQLite store and its reminder table.
    /// </summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>
    /// Most connections each pool of this silo opens (our store's, and the one Orleans' ADO.NET providers share), unless
    /// the connection string sets <c>Maximum Pool Size</c> itself. Npgsql's default of 100 lets two silos exhaust a
    /// server left at <c>max_connections = 100</c>; size it so 2 × pool × silos stays below the server's limit. Default: 20.
    /// </summary>
    public int PostgresPoolSize { get; init; } = 20;

    /// <summary>Silo-to-silo port; 0 picks a free port (so two embedded nodes on one machine never collide). Default: 0.</summary>
    public int SiloPort { get; init; }

    /// <summary>Port Orleans clients connect to; 0 picks a free port. Default: 0.</summary>
    public int GatewayPort { get; init; }

    /// <summary>The address peers reach this silo on. Default: 127.0.0.1.</summary>
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The Orleans cluster id: silos with the same id form one cluster. Default: <c>costorch</c>.</summary>
    public string ClusterId { get; init; } = "costorch";

    /// <summary>The Orleans service id: keys reminders and grain state, stable across deployments. Default: <c>costorch</c>.</summary>
    public string ServiceId { get; init; } = "costorch";
}
