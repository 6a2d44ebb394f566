using Microsoft.Extensions.DependencyInjection;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// The governor of one scope. Reservations go through the governor of the chain's narrowest limited
/// scope; the store's single transaction over the whole chain is what makes them race-free across
/// governors and nodes. The grain owns its scope's window reminder (an Orleans reminder, so it fires on
/// whichever silo is alive): at each boundary it rolls the window (new spend rows start at zero by
/// construction) and wakes runs parked by <c>fallback: queue</c>.
/// </summary>
// Awaits in grains keep ConfigureAwait(true): continuations must run on the activation's scheduler (one turn at a
// time, and the only place Orleans lets a grain register reminders or read its identity).
public sealed partial class BudgetGovernorGrain : Grain, IBudgetGovernorGrain, IRemindable
{
    /// <summary>The name of the window-boundary reminder.</summary>
    public const string WindowReminder = "window-boundary";

    private readonly ICostOrchestratorStore _store;
    private readonly BudgetBook _book;
    private readonly PolicyCache _policies;
    private readonly QueuedRunWaker _waker;
    private readonly ReservationBatcher _batcher;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;
    private readonly ILogger<BudgetGovernorGrain> _logger;

    /// <summary>Created by Orleans on activation.</summary>
    public BudgetGovernorGrain(ICostOrchestratorStore store, BudgetBook book, PolicyCache policies, QueuedRunWaker waker, ReservationBatcher batcher,
        [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options, ILogger<BudgetGovernorGrain> logger)
    {
        _batcher = batcher;
        _store = store;
        _book = book;
        _policies = policies;
        _waker = waker;
        _time = time;
        _options = options;
        _logger = logger;
    }

    // The boundary the window reminder was last registered for (unknown after reactivation: the next tick rolls).
    private DateTimeOffset? _nextBoundary;

    private string Key => this.GetPrimaryKeyString();

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

        await _store.UpsertPolicyAsync(policy, cancellationToken).ConfigureAwait(true);
        _policies.Invalidate();
        await ScheduleBoundaryAsync(policy, cancellationToken).ConfigureAwait(true);

        // A raised limit may let parked runs continue.
        await _waker.WakeAsync(cancellationToken).ConfigureAwait(true);
        return await GetBudgetAsync(cancellationToken).ConfigureAwait(true);
    }

    /// <inheritdoc />
    public async Task<ReservationOutcome> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AmountCents < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "amount_cents must not be negative.");
        }

        var now = _time.GetUtcNow();
        var targets = await _book.TargetsAsync(request.Chain, request.Priority, cancellationToken).ConfigureAwait(true);
        var outcome = await _batcher.ReserveAsync(new StoreReservation
        {
            ReservationId = "res_" + Guid.NewGuid().ToString("N"),
            IdempotencyKey = request.IdempotencyKey,
            Chain = request.Chain,
            AmountCents = Core.Money.Cents.RoundUp(request.AmountCents),
            Targets = targets,
            CreatedAt = now,
            ExpiresAt = now + (request.Ttl ?? _options.ReservationTtl),
            Attribution = request.Attribution,
        }, cancellationToken).ConfigureAwait(true);

        if (outcome.Denial is { } denial)
        {
            LogDenied(denial.Scope, denial.RequestedCents, denial.SpentCents, denial.ReservedCents, denial.LimitCents);
        }

        return outcome;
    }

    /// <inheritdoc />
    public async Task<Reservation?> CommitAsync(string reservationId, decimal actualCents, TokenCounts? tokens = null, CancellationToken cancellationToken = default)
    {
        if (actualCents < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(actualCents), "actual_cents must not be negative.");
        }

        var committed = await _store.CommitAsync(reservationId, Core.Money.Cents.RoundUp(actualCents), tokens, _time.GetUtcNow(), cancellationToken).ConfigureAwait(true);
        if (committed is { ActualCents: { } actual } && actual > committed.AmountCents)
        {
            // The provider billed more than its declared worst case: recorded, and the cause of a drift alert.
            LogDrift(committed.ReservationId, committed.Attribution.ProviderId, committed.AmountCents, actual);
        }

        return committed;
    }

    /// <inheritdoc />
    public Task<Reservation?> ReleaseAsync(string reservationId, CancellationToken cancellationToken = default) =>
        _store.ReleaseAsync(reservationId, cancellationToken);

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
            // The periodic fallback tick, before the boundary this activation scheduled: nothing rolled yet.
            return;
        }

        LogWindowRolled(Key, now);
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

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.ReservationDenied, Level = LogLevel.Information,
        Message = "Reservation of {Requested}¢ denied by {Scope}: spent {Spent}¢ + reserved {Reserved}¢ of {Limit}¢")]
    private partial void LogDenied(string scope, decimal requested, decimal spent, decimal reserved, decimal limit);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.CostDrift, Level = LogLevel.Warning,
        Message = "Reservation {ReservationId} on {ProviderId}: billed {Actual}¢ above the declared worst case {Reserved}¢")]
    private partial void LogDrift(string reservationId, string? providerId, decimal reserved, decimal actual);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.WindowRolled, Level = LogLevel.Information,
        Message = "Budget window of {Scope} rolled at {Now}; waking queued runs")]
    private partial void LogWindowRolled(string scope, DateTimeOffset now);
}
