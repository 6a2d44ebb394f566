using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Providers;
using CostOrchestrator.Storage.PostgreSql;
using Npgsql;

namespace CostOrchestrator.Tests.Common;

/// <summary>
/// N Orleans silos in one process forming one cluster through Orleans' ADO.NET clustering on one PostgreSQL schema,
/// over real sockets, each with its own store connection pool. For what is about that clustering itself: an Orleans
/// client finding the gateways in the membership table, a death declared through it. Everything else runs on
/// <see cref="TestCluster"/> (Orleans' TestingHost). A silo can be killed abruptly (its store connection cut
/// mid-flight, its silo stopped without a hand-over) or stopped gracefully, and started again under the same id.
/// </summary>
public sealed class AdoNetTestCluster : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly TempDirectory _dir = new();
    private readonly Dictionary<string, (CostOrchestratorNode Node, KillSwitchStore Switch)> _nodes = new(StringComparer.Ordinal);
    private readonly IProviderAdapter? _adapter;

    private AdoNetTestCluster(string connectionString, TimeProvider time, IProviderAdapter? adapter)
    {
        _connectionString = connectionString;
        Time = time;
        _adapter = adapter;
    }

    public string Schema { get; } = ClusterSchema.NewName();

    public TimeProvider Time { get; }

    public IReadOnlyList<CostOrchestratorNode> Nodes => [.. _nodes.Values.Where(n => !n.Switch.Killed).Select(n => n.Node)];

    public CostOrchestratorNode this[string nodeId] => _nodes[nodeId].Node;

    public static async Task<AdoNetTestCluster> StartAsync(int nodes, TimeProvider? time = null, IProviderAdapter? adapter = null, string? connectionString = null)
    {
        connectionString ??= await PostgreSqlServer.RequireAsync();
        var cluster = new AdoNetTestCluster(connectionString, time ?? TimeProvider.System, adapter);

        // Nodes start at once, as a cluster does: migrations must be safe under that.
        await Task.WhenAll(Enumerable.Range(1, nodes).Select(i => cluster.StartNodeAsync($"node-{i}")));
        return cluster;
    }

    // A small pool per node: the cluster suite runs several three-node clusters at once on one server.
    public PostgreSqlStore NewStore() => new(new NpgsqlConnectionStringBuilder(_connectionString) { MaxPoolSize = 10 }.ConnectionString, Schema);

    // The schema's connection string for Orleans' ADO.NET clustering and reminders: their tables live beside ours.
    public string SchemaConnectionString => PostgreSqlStore.ConnectionStringFor(_connectionString, Schema);

    public async Task<CostOrchestratorNode> StartNodeAsync(string nodeId)
    {
        var (store, killSwitch) = KillSwitchStore.Wrap(NewStore());
        var node = await CostOrchestratorNode.StartAsync(new NodeBuilder
        {
            Options = new NodeOptions { NodeId = nodeId, DataDirectory = Path.Combine(_dir.Path, nodeId), RunBackgroundLoops = false },
            Silo = new SiloSettings { Clustering = SiloClustering.AdoNet, PostgresConnectionString = SchemaConnectionString, ClusterId = Schema, ServiceId = Schema },
            ConfigureSilo = ClusterSchema.QuickFailureDetection,
            Time = Time,
            StoreFactory = _ => store,
            Adapters = _adapter is null ? [] : [_adapter],
        });
        lock (_nodes)
        {
            _nodes[nodeId] = (node, killSwitch);
        }

        return node;
    }

    /// <summary>Cuts a node off as if its process died: no more writes, leases and reservations left as they were.</summary>
    public async Task KillAsync(string nodeId)
    {
        var (node, killSwitch) = _nodes[nodeId];
        killSwitch.Kill();
        await node.KillAsync();
    }

    /// <summary>Stops a node gracefully.</summary>
    public async Task StopAsync(string nodeId)
    {
        await _nodes[nodeId].Node.DisposeAsync();
        _nodes.Remove(nodeId);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (node, killSwitch) in _nodes.Values)
        {
            if (!killSwitch.Killed)
            {
                await node.DisposeAsync();
            }
        }

        await ClusterSchema.DropAsync(_connectionString, Schema);
        _dir.Dispose();
    }
}
