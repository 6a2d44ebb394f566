using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;

namespace CostOrchestrator.Grains.Invocation;

/// <summary>A subscription's monthly quota around one call: room asked once the reservation is durable, the use reported after the commit or release.</summary>
public sealed partial class InvocationExecutor
{
    /// <summary>
    /// Asks a subscription's monthly quota for room for the call under <paramref name="reservationId"/>; null when the
    /// provider has no quota. Asked only once the reservation is written, so a quota grain that moves finds the call among
    /// the provider's pending reservations. A refused call's reservation is released here: the call must not be made.
    /// </summary>
    private async Task<QuotaAdmission?> AdmitToQuotaAsync(ProviderRecord provider, string reservationId, IReservationCoordinatorGrain reservations, CancellationToken cancellationToken)
    {
        if (MonthlyQuota.Of(provider) is not { } quota)
        {
            return null;
        }

        QuotaAdmission admission;
        try
        {
            admission = await _quotas.AdmitAsync(provider, quota, reservationId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // No answer: the call is not made. Should the grain have admitted it, it finds the reservation released.
            await reservations.ReleaseAsync(reservationId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (!admission.Admitted)
        {
            await reservations.ReleaseAsync(reservationId, CancellationToken.None).ConfigureAwait(false);
        }

        return admission;
    }

    // After the commit or release is written, so the quota grain never counts a use the ledger does not have.
    private Task EndQuotaCallAsync(ProviderRecord provider, string reservationId, bool used) =>
        MonthlyQuota.Of(provider) is null ? Task.CompletedTask : _quotas.CompleteAsync(provider, reservationId, used, CancellationToken.None);
}
