using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Hosting;

/// <summary>
/// The node's housekeeping: settle reservations whose TTL passed (kept as spent, flagged unreconciled) and run the
/// providers' active health checks. Any silo may do it; the store's conditional writes settle each reservation once.
/// </summary>
public sealed partial class NodeMaintenance(
    ICostOrchestratorStore store,
    IGrainFactory grains,
    SettledCharges charges,
    NodeOptions options,
    [FromKeyedServices(NodeClock.Key)] TimeProvider time,
    ILogger<NodeMaintenance> logger) : BackgroundService
{
    /// <summary>
    /// Settles expired reservations now and adds each to its run's record (the loop does this every
    /// <see cref="NodeOptions.SettleInterval"/>).
    /// </summary>
    public async Task<IReadOnlyList<Reservation>> SettleExpiredAsync(CancellationToken cancellationToken)
    {
        var settled = await store.SettleExpiredAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await charges.AttributeAsync(settled, cancellationToken).ConfigureAwait(false);
        return settled;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The alert monitor runs on its own reminder (cluster-wide, persisted): starting it twice is harmless.
            await grains.GetGrain<Abstractions.Alerts.IAlertMonitorGrain>(Abstractions.Alerts.IAlertMonitorGrain.Key).StartAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLoopFailed(ex);
        }

        await Loops(stoppingToken).ConfigureAwait(false);
    }

    private Task Loops(CancellationToken stoppingToken) => Task.WhenAll(
        EveryAsync(options.SettleInterval, SettleExpiredAsync, stoppingToken),
        EveryAsync(options.HealthCheckInterval, ct => grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey).CheckHealthAsync(ct), stoppingToken));

    private async Task EveryAsync<T>(TimeSpan interval, Func<CancellationToken, Task<T>> work, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await work(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed round (store briefly unreachable) must not stop the node's housekeeping.
                    LogLoopFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.BackgroundLoopFailed, Level = LogLevel.Warning, Message = "A housekeeping round failed; the next one runs on schedule")]
    private partial void LogLoopFailed(Exception exception);
}
