using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Grains.Pipelines;
using CostOrchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Hosting;

/// <summary>
/// A node without HTTP: a generic host running one Orleans silo (<see cref="SiloBuilderExtensions.AddCostOrchestrator"/>).
/// The CLI embeds one; tests start several. Everything it hands out comes from the host's container.
/// </summary>
public sealed class CostOrchestratorNode : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly bool _owned;
    private bool _stopped;

    private CostOrchestratorNode(IHost host, bool owned)
    {
        _host = host;
        _owned = owned;
    }

    /// <summary>The grains.</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The store.</summary>
    public ICostOrchestratorStore Store => Services.GetRequiredService<ICostOrchestratorStore>();

    /// <summary>Pipelines and runs.</summary>
    public PipelineService Pipelines => Services.GetRequiredService<PipelineService>();

    /// <summary>Settings.</summary>
    public NodeOptions Options => Services.GetRequiredService<NodeOptions>();

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Starts the silo; returns once it is active (store migrated, seeded, running runs resumed).</summary>
    public static async Task<CostOrchestratorNode> StartAsync(NodeBuilder builder, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        host.Logging.ClearProviders();
        logging?.Invoke(host.Logging);
        host.UseOrleans(silo => silo.AddCostOrchestrator(builder));
        var app = host.Build();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            app.Dispose();
            throw;
        }

        return new CostOrchestratorNode(app, owned: true);
    }

    /// <summary>
    /// A node whose silo host was built and started elsewhere (Orleans' TestingHost builds its own hosts, calling
    /// <see cref="SiloBuilderExtensions.AddCostOrchestrator"/> in its silo configuration). Stopping it stays with
    /// whoever started it: disposing this view does nothing, and it cannot be killed through it.
    /// </summary>
    public static CostOrchestratorNode ForHost(IHost host) => new(host ?? throw new ArgumentNullException(nameof(host)), owned: false);

    /// <summary>Settles expired reservations now (the maintenance loop does this periodically).</summary>
    public Task<IReadOnlyList<Reservation>> SettleExpiredAsync(CancellationToken cancellationToken = default) =>
        Services.GetRequiredService<NodeMaintenance>().SettleExpiredAsync(cancellationToken);

    /// <summary>Stops the silo without a graceful hand-over, as a crash would (peers find out through membership).</summary>
    public async Task KillAsync()
    {
        if (!_owned)
        {
            throw new InvalidOperationException("This node's host was started elsewhere; stop it there.");
        }

        _stopped = true;
        using var now = new CancellationTokenSource();
        await now.CancelAsync().ConfigureAwait(false);
        await _host.StopAsync(now.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await DisposeHostAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the silo gracefully (running pipelines stop at their next await and continue elsewhere) and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_owned)
        {
            return;
        }

        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync().ConfigureAwait(false);
        }

        await DisposeHostAsync().ConfigureAwait(false);
    }

    private async Task DisposeHostAsync()
    {
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }
    }
}
