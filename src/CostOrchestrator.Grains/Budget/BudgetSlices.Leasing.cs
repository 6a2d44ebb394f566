using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Grains.Budget;

// Leasing a slice: sized from the chain's head-room, reserved through the governors like any reservation.
public sealed partial class BudgetSlices
{
    private void StartLease(ChainSlices chain, decimal callCents, DateTimeOffset now)
    {
        if (chain.NextOnItsWay || now < chain.RetryAt || !chain.TryStartLeasing())
        {
            return;
        }

        chain.Leasing = Task.Run(async () =>
        {
            try
            {
                await LeaseAsync(chain, callCents, now).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                chain.RetryAt = _time.GetUtcNow() + Options.RetryAfterRefusal;
                LogLeaseFailed(ex, string.Join(",", chain.Scopes));
            }
            finally
            {
                chain.EndLeasing();
            }
        });
    }

    // Sizes a slice from the chain's head-room and reserves it through the governors, like any reservation.
    private async Task LeaseAsync(ChainSlices chain, decimal callCents, DateTimeOffset now)
    {
        var headrooms = await Task.WhenAll(chain.Scopes.Select(scope => _grains.GetGrain<IGovernorHoldsGrain>(scope).HeadroomAsync())).ConfigureAwait(false);
        var grant = SliceSizing.Grant(callCents, chain.LastUsedCents, headrooms, Options);
        if (grant <= 0m)
        {
            chain.RetryAt = now + Options.RetryAfterRefusal;
            return;
        }

        var coordinator = _grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
        var outcome = await coordinator.ReserveAsync(new ReservationRequest
        {
            Chain = chain.Scopes,
            AmountCents = grant,
            IdempotencyKey = $"slice/{_silo}/{Guid.NewGuid():N}",
            Attribution = chain.Attribution,
        }).ConfigureAwait(false);
        if (outcome.Reservation is not { State: ReservationState.Pending } lease)
        {
            chain.RetryAt = now + Options.RetryAfterRefusal;
            return;
        }

        var leasedAt = _time.GetUtcNow();
        var slice = new BudgetSlice(lease.ReservationId, lease.AmountCents, await TakeUntilAsync(chain, leasedAt).ConfigureAwait(false), Options.MaxCalls, leasedAt);
        chain.Add(slice);
        LogLeased(lease.ReservationId, lease.AmountCents, string.Join(",", chain.Scopes));
    }

    // A slice takes calls for its lifetime, and never past the end of a window of any chain scope: its lease holds room
    // in the windows current when it was written.
    private async Task<DateTimeOffset> TakeUntilAsync(ChainSlices chain, DateTimeOffset now)
    {
        var end = now + Options.Lifetime;
        var policies = await _policies.GetAllAsync(CancellationToken.None).ConfigureAwait(false);
        foreach (var scope in chain.Scopes)
        {
            if (policies.TryGetValue(scope, out var policy))
            {
                foreach (var window in policy.Windows)
                {
                    if (BudgetWindows.NextBoundary(window.Window, now, _options.TimeZone) is { } boundary && boundary < end)
                    {
                        end = boundary;
                    }
                }
            }
        }

        return end;
    }
}
