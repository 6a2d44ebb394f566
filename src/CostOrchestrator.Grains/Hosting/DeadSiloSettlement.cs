using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace CostOrchestrator.Grains.Hosting;

/// <summary>
/// Settles the pending reservations of every silo the cluster declares dead as soon as it does, instead of at their
/// TTL: nobody is left to commit or release them, so they are kept as spent at the reserved amount and flagged
/// unreconciled (a late commit still reconciles one), and added to their runs' records. Every silo watches membership; the store settles each
/// reservation once. Should the store be unreachable at that moment, the TTL settlement is still there.
/// </summary>
public sealed partial class DeadSiloSettlement(
    IBudgetStore store,
    IClusterMembershipService membership,
    SettledCharges charges,
    [FromKeyedServices(NodeClock.Key)] TimeProvider time,
    ILogger<DeadSiloSettlement> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var handled = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                var dead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && !handled.Contains(m.SiloAddress)).Select(m => m.SiloAddress).ToList();
                if (dead.Count == 0)
                {
                    continue;
                }

                try
                {
                    var settled = await store.SettleWrittenByAsync([.. dead.Select(s => s.ToParsableString())], time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                    handled.UnionWith(dead);
                    if (settled.Count > 0)
                    {
                        LogSettled(settled.Count, string.Join(", ", dead));
                        await charges.AttributeAsync(settled, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Retried at the next membership change; the TTL settlement covers the rest.
                    LogFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.ReservationsSettled, Level = LogLevel.Warning,
        Message = "Settled {Count} pending reservations of dead silos {Silos} as spent (unreconciled)")]
    private partial void LogSettled(int count, string silos);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.BackgroundLoopFailed, Level = LogLevel.Warning,
        Message = "Settling the reservations of dead silos failed; the next membership change or their TTL settles them")]
    private partial void LogFailed(Exception exception);
}
