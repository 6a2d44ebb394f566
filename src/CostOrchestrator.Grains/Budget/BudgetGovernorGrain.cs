using Microsoft.Extensions.DependencyInjection;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Grains.Diagnostics;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// The governor of one scope, and the authority for its check-and-charge. The activation claims an epoch and loads
/// its windows' spend and pending holds from the store once; after that it decides every hold in memory
/// (<see cref="ScopeAccount"/>) in one turn, without a database round trip. A decision becomes durable when the
/// reservation coordinator writes the reservation, fenced by the epoch: a stale or duplicate activation (whose
/// epoch a newer activation has replaced) can never make a decision durable, and its callers are retried here.
/// Holds whose reservation may have moved on without this activation hearing of it (TTL passed, coordinator gone)
/// are checked against the store by a timer. The grain also owns its scope's window reminder (an Orleans
/// reminder, so it fires on whichever silo is alive): at each boundary it rolls the window and wakes runs parked by
/// <c>fallback: queue</c>.
/// </summary>
// Awaits in grains keep ConfigureAwait(true): continuations must run on the activation's scheduler (one turn at a
// time, and the only place Orleans lets a grain register reminders or read its identity).
public sealed partial class BudgetGovernorGrain : Grain, IBudgetGovernorGrain, IGovernorHoldsGrain, IRemindable
{
    /// <summary>The name of the window-boundary reminder.</summary>
    public const string WindowReminder = "window-boundary";

    // A hold not confirmed within this long is checked against the store: longer than any reservation write can
    // take (the store's command timeout), so a write still in flight is never mistaken for one that never happened.
    private static readonly TimeSpan TentativeFor = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(30);

    private readonly ICostOrchestratorStore _store;
    private readonly BudgetBook _book;
    private readonly PolicyCache _policies;
    private readonly QueuedRunWaker _waker;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;
    private readonly BudgetGauges _gauges;
    private readonly ILogger<BudgetGovernorGrain> _logger;

    private ScopeAccount _account = null!;
    private ScopeWindows? _published;
    private long _epoch;
    private IGrainTimer? _checkTimer;

    /// <summary>Created by Orleans on activation.</summary>
    public BudgetGovernorGrain(ICostOrchestratorStore store, BudgetBook book, PolicyCache policies, QueuedRunWaker waker,
        [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options, BudgetGauges gauges, ILogger<BudgetGovernorGrain> logger)
    {
        _store = store;
        _book = book;
        _policies = policies;
        _waker = waker;
        _time = time;
        _options = options;
        _gauges = gauges;
        _logger = logger;
    }

    // The boundary the window reminder was last registered for (unknown after reactivation: the next tick rolls).
    private DateTimeOffset? _nextBoundary;

    private string Key => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        await LoadAsync(await _store.GetPolicyAsync(Key, cancellationToken).ConfigureAwait(true), cancellationToken).ConfigureAwait(true);

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The scope's next activation, here or on another silo, publishes its own numbers.
        _gauges.Withdraw(_published);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<ScopeBudget> GetBudgetAsync(CancellationToken cancellationToken = default) =>
        (await _book.GetAsync([Key], cancellationToken).ConfigureAwait(true))[0];

    /// <inheritdoc />
    public async Task<ScopeBudget> SetPolicyAsync(BudgetPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Scope != Key)
        {
            throw new ArgumentException($"Policy for {policy.Scope} sent to the governor of {Key}.", nameof(policy));
        }

        var errors = BudgetPolicyValidator.Validate(policy);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(policy));
        }

        var stored = await _store.UpsertPolicyAsync(policy, cancellationToken).ConfigureAwait(true);
        _policies.Invalidate();
        _book.MarkChanged();

        // Start over from the store under a new epoch: windows may have changed, and holds not yet written are
        // fenced out (their coordinators retry against the new policy).
        await LoadAsync(stored, cancellationToken).ConfigureAwait(true);
        await ScheduleBoundaryAsync(stored, cancellationToken).ConfigureAwait(true);

        // A raised limit may let parked runs continue.
        await _waker.WakeAsync(cancellationToken).ConfigureAwait(true);
        return await GetBudgetAsync(cancellationToken).ConfigureAwait(true);
    }

    /// <inheritdoc />
    public Task<HoldDecision> HoldAsync(HoldRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _time.GetUtcNow();
        _account.Roll(now);
        var outcome = _account.TryHold(request.ReservationId, request.AmountCents, request.Priority == Priority.High, now, request.ExpiresAt,
            TimeProvider.System.GetUtcNow() + TentativeFor);
        if (outcome.Denial is { } denial)
        {
            LogDenied(denial.Scope, denial.RequestedCents, denial.SpentCents, denial.ReservedCents, denial.LimitCents);
        }
        else if (outcome.Windows.Count > 0)
        {
            PublishGauges();
        }

        return Task.FromResult(new HoldDecision { Epoch = _epoch, Windows = outcome.Windows, Overdraft = outcome.Overdraft, Denial = outcome.Denial });
    }

    /// <inheritdoc />
    public Task ForgetHoldAsync(string reservationId, CancellationToken cancellationToken = default)
    {
        if (_account.Release(reservationId))
        {
            PublishGauges();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ConfirmHoldAsync(string reservationId)
    {
        _account.Confirm(reservationId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<decimal?> HeadroomAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        _account.Roll(now);
        return Task.FromResult(_account.Headroom(now));
    }

    /// <inheritdoc />
    public Task SliceChargedAsync(string leaseId, decimal chargedCents, bool released, CancellationToken cancellationToken = default)
    {
        var counted = _account.ChargeSoFar(leaseId, chargedCents);
        counted |= released && _account.Release(leaseId);
        if (counted)
        {
            PublishGauges();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SettleHoldAsync(string reservationId, decimal? actualCents, CancellationToken cancellationToken = default)
    {
        var counted = actualCents is { } actual ? _account.Charge(reservationId, actual) : _account.Release(reservationId);
        if (counted)
        {
            PublishGauges();
        }

        return Task.CompletedTask;
    }

    /// <summary>Claims a new epoch and rebuilds the account from the store.</summary>
    private async Task LoadAsync(BudgetPolicy? policy, CancellationToken cancellationToken)
    {
        var account = new ScopeAccount(Key, policy, _options.TimeZone);
        if (policy is null)
        {
            // Unlimited: nothing to decide, so nothing to fence.
            _account = account;
            _epoch = 0;
            PublishGauges();
            return;
        }

        var now = _time.GetUtcNow();
        var windows = account.CurrentWindows(now);
        var snapshot = await _store.ClaimGovernorAsync(Key, [.. windows.Select(w => new SpendKey(Key, w.Window, w.WindowStart))], cancellationToken)
            .ConfigureAwait(true);
        foreach (var row in snapshot.Spend)
        {
            account.LoadWindow(row.Key.Window, row.Key.WindowStart, row.ChargedCents, row.ReservedCents);
        }

        foreach (var hold in snapshot.Holds)
        {
            account.LoadHold(hold.ReservationId, hold.AmountCents, hold.ExpiresAt,
                hold.Windows.Select(w => new HeldWindow { Window = w.Window, WindowStart = w.WindowStart }), hold.ChargedCents);
        }

        account.Roll(now);
        _account = account;
        _epoch = snapshot.Epoch;
        PublishGauges();
        _checkTimer ??= this.RegisterGrainTimer(CheckHoldsAsync, CheckEvery, CheckEvery);
    }

    /// <summary>
    /// Reads the reservation of every hold past its TTL or still tentative, and counts what became of it: a
    /// commit, release or TTL settlement this activation did not hear of, or a write that never happened.
    /// </summary>
    private async Task CheckHoldsAsync(CancellationToken cancellationToken)
    {
        foreach (var id in _account.DueForCheck(_time.GetUtcNow(), TimeProvider.System.GetUtcNow()))
        {
            var reservation = await _store.GetReservationAsync(id, cancellationToken).ConfigureAwait(true);
            if (reservation is { State: not ReservationState.Committed, ActualCents: { } chargedSoFar })
            {
                // A budget slice's lease: count the charges of its calls this activation did not hear of first.
                _account.ChargeSoFar(id, chargedSoFar);
            }

            switch (reservation?.State)
            {
                case null:
                    _account.Release(id);
                    break;
                case ReservationState.Pending:
                    // Written; if its TTL passed, the node's settlement charges it and a later check counts that.
                    _account.Confirm(id);
                    break;
                case ReservationState.Released:
                    _account.Release(id);
                    break;
                case ReservationState.Committed:
                    _account.Charge(id, reservation.ActualCents ?? reservation.AmountCents);
                    break;
                case ReservationState.Unreconciled:
                    _account.Charge(id, BudgetMath.Outstanding(reservation.AmountCents, reservation.ActualCents ?? 0m));
                    break;
            }
        }

        PublishGauges();
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WindowReminder)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (_nextBoundary is { } boundary && now < boundary)
        {
            // A tick before the boundary this activation scheduled (the daily fallback period, or a reminder registered
            // by an earlier activation): nothing rolled yet. Register again for the boundary, so it is not skipped.
            await this.RegisterOrUpdateReminder(WindowReminder, boundary - now, TimeSpan.FromDays(1)).ConfigureAwait(true);
            return;
        }

        LogWindowRolled(Key, now);
        _account.Roll(now);
        PublishGauges();
        var policy = await _store.GetPolicyAsync(Key, CancellationToken.None).ConfigureAwait(true);
        if (policy is not null)
        {
            await ScheduleBoundaryAsync(policy, CancellationToken.None).ConfigureAwait(true);
        }

        await _waker.WakeAsync(CancellationToken.None).ConfigureAwait(true);
    }

    /// <summary>
    /// Registers the reminder for the next boundary of any calendar window of the policy. Orleans reminders are
    /// periodic; the period is only a fallback, since every delivery registers the reminder again for the next
    /// boundary (months and DST days are not a fixed length).
    /// </summary>
    internal async Task ScheduleBoundaryAsync(BudgetPolicy policy, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var next = policy.Windows
            .Select(w => BudgetWindows.NextBoundary(w.Window, now, _options.TimeZone))
            .Where(b => b is not null)
            .Min();
        _nextBoundary = next;
        if (next is { } due)
        {
            // A next boundary is always after now.
            await this.RegisterOrUpdateReminder(WindowReminder, due - now, TimeSpan.FromDays(1)).ConfigureAwait(true);
        }
        else if (await this.GetReminder(WindowReminder).ConfigureAwait(true) is { } reminder)
        {
            await this.UnregisterReminder(reminder).ConfigureAwait(true);
        }
    }

    // After every change to the account, on this turn: the gauges never read the account itself, which only this
    // activation's turns may touch.
    private void PublishGauges() => _published = _gauges.Publish(_account, _time.GetUtcNow(), _options.TimeZone);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.ReservationDenied, Level = LogLevel.Information,
        Message = "Reservation of {Requested}¢ denied by {Scope}: spent {Spent}¢ + reserved {Reserved}¢ of {Limit}¢")]
    private partial void LogDenied(string scope, decimal requested, decimal spent, decimal reserved, decimal limit);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.WindowRolled, Level = LogLevel.Information,
        Message = "Budget window of {Scope} rolled at {Now}; waking queued runs")]
    private partial void LogWindowRolled(string scope, DateTimeOffset now);
}
