using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Providers;
using CostOrchestrator.Storage.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;

namespace CostOrchestrator.Tests.Common;

/// <summary>
/// N CostOrchestrator silos on Orleans' TestingHost (<see cref="InProcessTestCluster"/>: its in-memory membership,
/// transport and grain directory) with our own store, reminders and grain state on one PostgreSQL schema, each silo
/// with its own store connection pool. A silo can be killed abruptly (its store connection cut in one instant, its
/// silo stopped without a hand-over), stopped gracefully, and started again under the same id. Housekeeping loops
/// are off: tests settle reservations explicitly, on a shared domain clock.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private const string SiloNamePrefix = "Silo_";
    private readonly string _connectionString;
    private readonly TempDirectory _dir = new();
    private readonly IProviderAdapter? _adapter;
    private readonly Dictionary<string, KillSwitchStore> _switches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InProcessSiloHandle> _silos = new(StringComparer.Ordinal);
    private InProcessTestCluster _cluster = null!;

    private TestCluster(string connectionString, TimeProvider time, IProviderAdapter? adapter)
    {
        _connectionString = connectionString;
        Time = time;
        _adapter = adapter;
    }

    public string Schema { get; } = ClusterSchema.NewName();

    public TimeProvider Time { get; }

    /// <summary>The live nodes, in id order.</summary>
    public IReadOnlyList<CostOrchestratorNode> Nodes
    {
        get
        {
            lock (_silos)
            {
                return [.. _silos.Where(s => s.Value.IsActive).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => CostOrchestratorNode.ForHost(s.Value.SiloHost))];
            }
        }
    }

    public CostOrchestratorNode this[string nodeId]
    {
        get
        {
            lock (_silos)
            {
                return CostOrchestratorNode.ForHost(_silos[nodeId].SiloHost);
            }
        }
    }

    public static async Task<TestCluster> StartAsync(int nodes, TimeProvider? time = null, IProviderAdapter? adapter = null, string? connectionString = null)
    {
        connectionString ??= await PostgreSqlServer.RequireAsync();
        var harness = new TestCluster(connectionString, time ?? TimeProvider.System, adapter);
        var builder = new InProcessTestClusterBuilder((short)nodes);
        builder.Options.ClusterId = harness.Schema;
        builder.Options.ServiceId = harness.Schema;
        builder.Options.ConfigureFileLogging = false;
        builder.Options.InitializeClientOnDeploy = false;
        builder.ConfigureSilo((silo, siloBuilder) => siloBuilder.AddCostOrchestrator(harness.NodeFor(NodeId(silo.SiloName))));
        harness._cluster = builder.Build();

        // Silos start at once, as a cluster does: the store's migrations must be safe under that.
        await harness._cluster.DeployAsync();
        lock (harness._silos)
        {
            foreach (var silo in harness._cluster.Silos)
            {
                harness._silos[NodeId(silo.Name)] = silo;
            }
        }

        return harness;
    }

    // A small pool per node: the cluster suite runs several three-node clusters at once on one server.
    public PostgreSqlStore NewStore() => new(new NpgsqlConnectionStringBuilder(_connectionString) { MaxPoolSize = 10 }.ConnectionString, Schema);

    /// <summary>Starts a node again under an id it had (after <see cref="StopAsync"/> or <see cref="KillAsync"/>).</summary>
    public async Task<CostOrchestratorNode> StartNodeAsync(string nodeId)
    {
        var silo = await _cluster.StartSiloAsync(int.Parse(nodeId["node-".Length..], System.Globalization.CultureInfo.InvariantCulture) - 1, _cluster.Options);
        lock (_silos)
        {
            _silos[nodeId] = silo;
        }

        return CostOrchestratorNode.ForHost(silo.SiloHost);
    }

    /// <summary>Cuts a node off as if its process died: no more writes, leases and reservations left as they were.</summary>
    public async Task KillAsync(string nodeId)
    {
        InProcessSiloHandle silo;
        lock (_silos)
        {
            silo = _silos[nodeId];
            _switches[nodeId].Kill();
        }

        try
        {
            await _cluster.KillSiloAsync(silo);
        }
        catch (OperationCanceledException)
        {
            // A kill is a stop with an already cancelled token: the host gives up waiting, as intended.
        }
    }

    /// <summary>Stops a node gracefully.</summary>
    public async Task StopAsync(string nodeId)
    {
        InProcessSiloHandle silo;
        lock (_silos)
        {
            silo = _silos[nodeId];
        }

        await _cluster.StopSiloAsync(silo);
    }

    public async ValueTask DisposeAsync()
    {
        // Silos started again by the test are this harness's to stop; the cluster stops the ones it started.
        List<InProcessSiloHandle> restarted;
        lock (_silos)
        {
            restarted = [.. _silos.Values.Where(s => s.IsActive && !_cluster.Silos.Contains(s))];
        }

        foreach (var silo in restarted)
        {
            await silo.StopSiloAsync(stopGracefully: true);
            await silo.DisposeAsync();
        }

        await _cluster.DisposeAsync();
        await ClusterSchema.DropAsync(_connectionString, Schema);
        _dir.Dispose();
    }

    private static string NodeId(string siloName) =>
        "node-" + (int.Parse(siloName[SiloNamePrefix.Length..], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private NodeBuilder NodeFor(string nodeId)
    {
        var (store, killSwitch) = KillSwitchStore.Wrap(NewStore());
        lock (_silos)
        {
            _switches[nodeId] = killSwitch;
        }

        var schemaConnectionString = PostgreSqlStore.ConnectionStringFor(_connectionString, Schema);
        return new NodeBuilder
        {
            Options = new NodeOptions { NodeId = nodeId, DataDirectory = Path.Combine(_dir.Path, nodeId), RunBackgroundLoops = false },
            // Membership and transport are the TestingHost's; reminders and grain state are ours, on PostgreSQL.
            Silo = new SiloSettings { Clustering = SiloClustering.External, PostgresConnectionString = schemaConnectionString, ClusterId = Schema, ServiceId = Schema },
            ConfigureSilo = silo =>
            {
                ClusterSchema.QuickFailureDetection(silo);

                // The TestingHost names its silos Silo_0, Silo_1, ...; operators (and the tests) see the node ids.
                silo.Services.PostConfigure<Orleans.Configuration.SiloOptions>(o => o.SiloName = nodeId);
            },
            Time = Time,
            StoreFactory = _ => store,
            Adapters = _adapter is null ? [] : [_adapter],
        };
    }
}
