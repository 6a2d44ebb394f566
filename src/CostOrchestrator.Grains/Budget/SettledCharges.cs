using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Grains.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// A reservation settled without a commit (its silo died mid-call, or its TTL passed) is charged in the ledger,
/// attributed to its run; this adds the same charge to the run's record, so a run's cost equals what the ledger
/// charged it.
/// </summary>
public sealed partial class SettledCharges(IGrainFactory grains, CostOrchestratorTelemetry telemetry, ILogger<SettledCharges> logger)
{
    /// <summary>Counts each settled reservation's charge, and tells its run (reservations outside runs need nothing).</summary>
    public async Task AttributeAsync(IReadOnlyList<Reservation> settled, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settled);
        telemetry.RecordSettledWithoutCommit(settled);
        foreach (var reservation in settled.Where(r => r.Attribution.RunId is not null))
        {
            // Right after a silo's death its runs may still be addressed to it: a few tries, a second apart. Should all
            // fail, the run reads the charge back from the ledger when it finishes or is next activated.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await grains.GetGrain<IPipelineRunGrain>(reservation.Attribution.RunId!).AddSettledChargeAsync(reservation, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (attempt == 3)
                    {
                        LogFailed(ex, reservation.ReservationId, reservation.Attribution.RunId!);
                        break;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.BackgroundLoopFailed, Level = LogLevel.Warning,
        Message = "Settled reservation {ReservationId} could not be added to run {RunId}'s record")]
    private partial void LogFailed(Exception exception, string reservationId, string runId);
}
