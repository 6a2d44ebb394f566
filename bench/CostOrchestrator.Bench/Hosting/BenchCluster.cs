using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage.PostgreSql;
using Npgsql;

namespace CostOrchestrator.Bench.Hosting;

/// <summary>
/// The nodes one figure runs on, started in this process and stopped when the figure ends: an embedded SQLite node,
/// or 1..N silos forming one cluster on a fresh schema of the bench's PostgreSQL (how the server runs with
/// <c>--storage postgres</c>: ADO.NET clustering, our tables and Orleans' beside each other).
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private static int _clusters;

    private BenchCluster(string name, IReadOnlyList<CostOrchestratorNode> nodes)
    {
        Name = name;
        Nodes = nodes;
    }

    /// <summary>"SQLite, 1 silo", "PostgreSQL, 3 silos".</summary>
    public string Name { get; }

    /// <summary>The silos; callers are spread over them.</summary>
    public IReadOnlyList<CostOrchestratorNode> Nodes { get; }

    /// <summary>The node that sets policies and reads the checks.</summary>
    public CostOrchestratorNode First => Nodes[0];

    /// <summary>The name of a backend and silo count as the tables show it.</summary>
    public static string NameOf(BenchBackend backend, int silos) =>
        $"{(backend == BenchBackend.Sqlite ? "SQLite" : "PostgreSQL")}, {silos} silo{(silos == 1 ? string.Empty : "s")}";

    /// <summary>Starts the silos one after another (each joins the cluster the first formed).</summary>
    public static async Task<BenchCluster> StartAsync(BenchBackend backend, int silos, BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (backend == BenchBackend.Sqlite && silos != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(silos), "an embedded node is one silo");
        }

        var id = $"k{Interlocked.Increment(ref _clusters)}";
        var silo = new SiloSettings();
        if (backend == BenchBackend.Postgres)
        {
            var postgres = options.Postgres ?? throw new InvalidOperationException("no --postgres given");
            var schema = $"bench_{id}_{Guid.NewGuid().ToString("N")[..8]}";
            silo = new SiloSettings
            {
                Clustering = SiloClustering.AdoNet,
                PostgresConnectionString = PostgreSqlStore.ConnectionStringFor(postgres, schema),
                ClusterId = schema,
            };
        }

        var nodes = new List<CostOrchestratorNode>();
        try
        {
            for (var i = 1; i <= silos; i++)
            {
                nodes.Add(await CostOrchestratorNode.StartAsync(new NodeBuilder
                {
                    Options = new NodeOptions { NodeId = $"{id}-{i}", DataDirectory = Path.Combine(options.DataDirectory, $"{id}-{i}"), RunBackgroundLoops = false },
                    Silo = silo,
                }, cancellationToken: cancellationToken));
            }
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }

        return new BenchCluster(NameOf(backend, silos), nodes);
    }

    /// <summary>Sets a policy of one <c>total</c> window (no calendar boundary can roll it during a figure).</summary>
    public Task<ScopeBudget> LimitAsync(string scope, decimal limitCents, CancellationToken cancellationToken) =>
        First.Grains.GetGrain<IBudgetGovernorGrain>(scope).SetPolicyAsync(new BudgetPolicy
        {
            Scope = scope,
            Windows = [new BudgetWindowLimit { Window = WindowKind.Total, LimitCents = limitCents }],
        }, cancellationToken);

    /// <summary>The reservation coordinator of the silo caller <paramref name="caller"/> is placed on.</summary>
    public IReservationCoordinatorGrain CoordinatorFor(int caller) =>
        NodeFor(caller).Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);

    /// <summary>The silo caller <paramref name="caller"/> is placed on (round robin).</summary>
    public CostOrchestratorNode NodeFor(int caller) => Nodes[caller % Nodes.Count];

    public async ValueTask DisposeAsync()
    {
        for (var i = Nodes.Count - 1; i >= 0; i--)
        {
            await Nodes[i].DisposeAsync();
        }

        // Orleans' ADO.NET providers open their connections through Npgsql's process-wide pools, one per connection
        // string: a schema per figure would otherwise leave each figure's idle connections open on the server until
        // the pools prune them, and a run of twenty figures could reach max_connections.
        NpgsqlConnection.ClearAllPools();
    }
}
