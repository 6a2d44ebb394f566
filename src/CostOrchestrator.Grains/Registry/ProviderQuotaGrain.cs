using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Registry;

/// <summary>
/// The <c>monthly_quota</c> of one subscription provider. The ledger is the durable count: a successful call's entry is
/// written with its commit, once. The activation reads the month's count and the provider's pending reservations from the
/// store when it activates and when a month starts, then decides every admission in memory (<see cref="QuotaAccount"/>)
/// in one turn. Since a call asks only once its reservation is written, a new activation finds every call an earlier one
/// admitted (pending, or already in the count), so admissions never exceed the quota. Calls whose end nobody reported
/// (their silo died) are looked up in the store by a timer.
/// </summary>
// Awaits in grains keep ConfigureAwait(true): continuations must run on the activation's scheduler.
public sealed partial class ProviderQuotaGrain : Grain, IProviderQuotaGrain
{
    // An admitted call not reported ended within this long is looked up in the store: its silo may have died. Longer
    // than a call usually takes; a call still pending is looked up again as long as it stays so.
    private static readonly TimeSpan CheckAfter = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(30);

    private readonly IBudgetStore _store;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;
    private readonly QuotaAccount _account;
    private readonly ILogger<ProviderQuotaGrain> _logger;

    /// <summary>Created by Orleans on activation.</summary>
    public ProviderQuotaGrain(IBudgetStore store, [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options, ILogger<ProviderQuotaGrain> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _time = time;
        _zone = options.TimeZone;
        _account = new QuotaAccount(options.TimeZone);
        _logger = logger;
    }

    private string ProviderId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadMonthAsync(cancellationToken).ConfigureAwait(true);
        this.RegisterGrainTimer(CheckInFlightAsync, CheckEvery, CheckEvery);
    }

    /// <inheritdoc />
    public async Task<QuotaAdmission> AdmitAsync(string reservationId, int monthlyQuota, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reservationId);
        await EnsureMonthAsync(cancellationToken).ConfigureAwait(true);
        var admission = _account.TryAdmit(reservationId, monthlyQuota, CheckAt());
        if (!admission.Admitted)
        {
            LogRefused(ProviderId, monthlyQuota, admission.Usage.Used, admission.Usage.InFlight);
        }

        return admission;
    }

    /// <inheritdoc />
    public async Task<QuotaUsage> CompleteAsync(string reservationId, bool used, CancellationToken cancellationToken = default)
    {
        // A call that ends after the month rolled is found in the new month's load (pending: it counts now) or not (it
        // committed before the load, in the month it was counted in); either way Complete then counts it right.
        await EnsureMonthAsync(cancellationToken).ConfigureAwait(true);
        return _account.Complete(reservationId, used);
    }

    /// <inheritdoc />
    public async Task<QuotaUsage> GetUsageAsync(CancellationToken cancellationToken = default)
    {
        await EnsureMonthAsync(cancellationToken).ConfigureAwait(true);
        return _account.Usage;
    }

    private async Task EnsureMonthAsync(CancellationToken cancellationToken)
    {
        if (_account.NeedsLoad(_time.GetUtcNow()))
        {
            await LoadMonthAsync(cancellationToken).ConfigureAwait(true);
        }
    }

    /// <summary>Starts the month that contains now from the store: its uses so far and the calls still pending.</summary>
    private async Task LoadMonthAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var uses = await _store.GetProviderUsesAsync(ProviderId, MonthlyQuota.MonthOf(now, _zone), MonthlyQuota.NextMonth(now, _zone), cancellationToken)
            .ConfigureAwait(true);
        _account.Load(now, uses.Committed, uses.Pending, CheckAt());
    }

    /// <summary>
    /// Looks up the reservation of every call in flight past its check time and counts what became of it: committed or
    /// settled as spent (a use), released or never written (room given back), still pending (looked up again later).
    /// </summary>
    private async Task CheckInFlightAsync(CancellationToken cancellationToken)
    {
        foreach (var reservationId in _account.DueForCheck(TimeProvider.System.GetUtcNow()))
        {
            var reservation = await _store.GetReservationAsync(reservationId, cancellationToken).ConfigureAwait(true);
            switch (reservation?.State)
            {
                case ReservationState.Pending:
                    _account.CheckAgainAt(reservationId, CheckAt());
                    break;
                case ReservationState.Committed or ReservationState.Unreconciled:
                    _account.Complete(reservationId, used: true);
                    break;
                default:
                    _account.Complete(reservationId, used: false);
                    break;
            }
        }
    }

    // Real time, like the governors' check of tentative holds: how long a call has been in flight, not a window.
    private static DateTimeOffset CheckAt() => TimeProvider.System.GetUtcNow() + CheckAfter;

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.QuotaReached, Level = LogLevel.Information,
        Message = "Call to {ProviderId} refused: monthly_quota {Quota} reached ({Used} used this month, {InFlight} in flight)")]
    private partial void LogRefused(string providerId, int quota, int used, int inFlight);
}
