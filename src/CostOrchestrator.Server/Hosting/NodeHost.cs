using Microsoft.AspNetCore.Hosting.Server;
using CostOrchestrator.Grains.Configuration;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage.PostgreSql;

namespace CostOrchestrator.Server.Hosting;

/// <summary>Starts the node with the web host and stops it with the host; endpoints reach it through <see cref="Node"/>.</summary>
public sealed class NodeHost(ServerOptions options, ILoggerFactory loggerFactory, IServer server, IHostApplicationLifetime lifetime) : IHostedService
{
    private CostOrchestratorNode? _node;

    /// <summary>The running node.</summary>
    public CostOrchestratorNode Node => _node ?? throw new InvalidOperationException("The node has not started.");

    /// <summary>True once the node is up.</summary>
    public bool IsStarted => _node is not null;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var profilePath = options.Config ?? NodeProfile.FindDefault();
        var profile = profilePath is null ? null : NodeProfile.Load(profilePath);
        var budgets = profile?.LoadBudgets();
        var address = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var nodeOptions = new NodeOptions
        {
            NodeId = options.NodeId ?? (options.Storage == "sqlite" ? "embedded" : $"{Environment.MachineName}-{Environment.ProcessId}"),
            DataDirectory = Path.GetFullPath(options.DataDirectory),
            Address = address,
            PipelineRunLimits = budgets?.RunLimits() ?? new Dictionary<string, decimal>(),
            TimeZone = budgets?.TimeZone is { } zone ? TimeZoneInfo.FindSystemTimeZoneById(zone) : TimeZoneInfo.Utc,
        };
        _node = await CostOrchestratorNode.StartAsync(new NodeBuilder
        {
            Options = nodeOptions,
            Seed = profile,
            LoggerFactory = loggerFactory,
            StoreFactory = options.Storage == "postgres" ? _ => new PostgreSqlStore(options.Postgres!) : null,
        }, cancellationToken).ConfigureAwait(false);

        // Kestrel binds after hosted services start (port 0 is only known then): record the real address in membership.
        lifetime.ApplicationStarted.Register(() => _ = RecordAddressAsync());
    }

    private async Task RecordAddressAsync()
    {
        var bound = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (bound is null || _node is null)
        {
            return;
        }

        try
        {
            var nodes = await _node.Store.GetNodesAsync(CancellationToken.None).ConfigureAwait(false);
            if (nodes.FirstOrDefault(n => n.NodeId == _node.Options.NodeId) is { } self)
            {
                await _node.Store.UpsertNodeAsync(self with { Address = bound }, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Runtime.Storage.StoreUnavailableException)
        {
            // The next start records it; membership works without an address.
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_node is not null)
        {
            await _node.DisposeAsync().ConfigureAwait(false);
        }
    }
}
