using Microsoft.Extensions.DependencyInjection;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Grains.Diagnostics;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// Reserve, commit and release across a scope chain, on the caller's silo. A reservation asks the governor of
/// every scope in the chain for room at once; if any refuses, the others give theirs back and the first
/// refusal in chain order is the answer. If all hold, the reservation is written once (grouped with the other
/// reservations of this silo by <see cref="BudgetWrites"/>), fenced by the epochs the governors answered
/// with, and only then acknowledged. A commit (grouped too) or release is written first and then told to the
/// governors, so a governor never counts less than the store.
/// </summary>
// Reentrant: it keeps no state, and each call mostly waits (on governors, on the durable write); interleaving them
// is what lets the batcher group many reservations into one write.
[StatelessWorker, Reentrant]
public sealed partial class ReservationCoordinatorGrain : Grain, IReservationCoordinatorGrain
{
    // A fenced write means a governor activation was replaced between its decision and the write; the retry reaches
    // the new activation. More than a few in a row means the cluster is still settling: let the caller retry.
    private const int MaxFencedRetries = 5;

    private readonly IGrainFactory _grains;
    private readonly ICostOrchestratorStore _store;
    private readonly BudgetWrites _writes;
    private readonly BudgetBook _book;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;
    private readonly CostOrchestratorTelemetry _telemetry;
    private readonly ILogger<ReservationCoordinatorGrain> _logger;
    private readonly string _silo;

    /// <summary>Created by Orleans on activation.</summary>
    public ReservationCoordinatorGrain(IGrainFactory grains, ICostOrchestratorStore store, BudgetWrites writes, BudgetBook book,
        [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options, ILocalSiloDetails silo, CostOrchestratorTelemetry telemetry,
        ILogger<ReservationCoordinatorGrain> logger)
    {
        ArgumentNullException.ThrowIfNull(silo);
        _silo = silo.SiloAddress.ToParsableString();
        _grains = grains;
        _store = store;
        _writes = writes;
        _book = book;
        _time = time;
        _options = options;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<ReservationOutcome> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AmountCents < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "amount_cents must not be negative.");
        }

        // Every scope's governor is asked, not only those some cache believes limited: a governor knows its own
        // policy (read when it activates, replaced through it), while a silo's policy cache can be a refresh behind a
        // limit just set elsewhere. An unlimited scope's governor answers at once and fences nothing.
        var scopes = request.Chain.Distinct(StringComparer.Ordinal).ToList();
        var started = _time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var now = _time.GetUtcNow();
            var hold = new HoldRequest
            {
                ReservationId = "res_" + Guid.NewGuid().ToString("N"),
                AmountCents = Cents.RoundUp(request.AmountCents),
                Priority = request.Priority,
                ExpiresAt = now + (request.Ttl ?? _options.ReservationTtl),
            };
            var calls = scopes.Select(scope => _grains.GetGrain<IGovernorHoldsGrain>(scope).HoldAsync(hold, cancellationToken)).ToArray();
            HoldDecision[] decisions;
            try
            {
                decisions = await Task.WhenAll(calls).ConfigureAwait(true);
            }
            catch
            {
                // A governor could not decide (say its activation could not read the store): the others give back
                // what they held now, rather than when their check finds the reservation was never written.
                await Task.WhenAll(scopes.Zip(calls).Where(p => p.Second.IsCompletedSuccessfully && p.Second.Result is { Held: true, Windows.Count: > 0 })
                    .Select(p => _grains.GetGrain<IGovernorHoldsGrain>(p.First).ForgetHoldAsync(hold.ReservationId, CancellationToken.None)))
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
                throw;
            }

            var denial = decisions.FirstOrDefault(d => !d.Held)?.Denial;
            if (denial is not null)
            {
                await ForgetAsync(scopes, decisions, hold.ReservationId).ConfigureAwait(true);

                // A replay of a reservation made while there was room still returns that reservation.
                var earlier = await _store.GetReservationByKeyAsync(request.IdempotencyKey, cancellationToken).ConfigureAwait(true);
                var refused = earlier is not null ? new ReservationOutcome { Reservation = earlier } : new ReservationOutcome { Denial = denial };
                _telemetry.RecordReserve(refused, replayed: earlier is not null, _time.GetElapsedTime(started));
                return refused;
            }

            ReserveResult written;
            try
            {
                written = await _writes.ReserveAsync(new StoreReservation
                {
                    ReservationId = hold.ReservationId,
                    IdempotencyKey = request.IdempotencyKey,
                    Chain = request.Chain,
                    AmountCents = hold.AmountCents,
                    Targets = [.. scopes.Zip(decisions).SelectMany(p => p.Second.Windows.Select(w => new ReservationTarget { Scope = p.First, Window = w.Window, WindowStart = w.WindowStart }))],
                    Fences = [.. scopes.Zip(decisions).Where(p => p.Second.Windows.Count > 0).Select(p => new GovernorFence(p.First, p.Second.Epoch))],
                    Overdraft = decisions.Any(d => d.Overdraft),
                    CreatedAt = now,
                    ExpiresAt = hold.ExpiresAt,
                    Attribution = request.Attribution,
                    Silo = _silo,
                }, cancellationToken).ConfigureAwait(true);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The write may still land: the holds stay tentative and their governors check the store later.
                throw;
            }
            catch
            {
                // The transaction did not commit: nothing was reserved.
                await ForgetAsync(scopes, decisions, hold.ReservationId).ConfigureAwait(true);
                throw;
            }

            if (written.FencedScope is { } fenced)
            {
                await ForgetAsync(scopes, decisions, hold.ReservationId).ConfigureAwait(true);
                LogFenced(hold.ReservationId, fenced, attempt);
                if (attempt >= MaxFencedRetries)
                {
                    throw new StoreUnavailableException($"The governor of {fenced} kept changing while reserving; retry.");
                }

                continue;
            }

            if (written.Replayed)
            {
                await ForgetAsync(scopes, decisions, hold.ReservationId).ConfigureAwait(true);
            }
            else
            {
                foreach (var (scope, _) in scopes.Zip(decisions).Where(p => p.Second.Windows.Count > 0))
                {
                    _ = _grains.GetGrain<IGovernorHoldsGrain>(scope).ConfirmHoldAsync(hold.ReservationId);
                }
            }

            var reserved = new ReservationOutcome { Reservation = written.Reservation };
            _telemetry.RecordReserve(reserved, written.Replayed, _time.GetElapsedTime(started));
            return reserved;
        }
    }

    /// <inheritdoc />
    public Task<Reservation?> CommitAsync(string reservationId, decimal actualCents, TokenCounts? tokens = null, CancellationToken cancellationToken = default) =>
        CommitAsync(reservationId, actualCents, tokens, journal: null, cancellationToken);

    /// <inheritdoc />
    public Task<Reservation?> CommitStepAsync(string reservationId, decimal actualCents, TokenCounts? tokens, JournalEntry journal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journal);
        return CommitAsync(reservationId, actualCents, tokens, journal, cancellationToken);
    }

    private async Task<Reservation?> CommitAsync(string reservationId, decimal actualCents, TokenCounts? tokens, JournalEntry? journal, CancellationToken cancellationToken)
    {
        if (actualCents < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(actualCents), "actual_cents must not be negative.");
        }

        var change = await _writes.CommitAsync(new StoreCommit
        {
            ReservationId = reservationId,
            ActualCents = Cents.RoundUp(actualCents),
            Tokens = tokens,
            Now = _time.GetUtcNow(),
            Journal = journal,
        }, cancellationToken).ConfigureAwait(true);
        _telemetry.RecordSettlement(change, committed: true);
        var committed = change.Reservation;
        if (committed is { ActualCents: { } actual })
        {
            if (actual > committed.AmountCents)
            {
                // The provider billed more than its declared worst case: recorded, and the cause of a drift alert.
                LogDrift(committed.ReservationId, committed.Attribution.ProviderId, committed.AmountCents, actual);
            }

            await SettleAsync(committed, actual).ConfigureAwait(true);
        }

        return committed;
    }

    /// <inheritdoc />
    public async Task<Reservation?> ReleaseAsync(string reservationId, CancellationToken cancellationToken = default)
    {
        var change = await _store.ReleaseAsync(reservationId, cancellationToken).ConfigureAwait(true);
        _book.MarkChanged();
        _telemetry.RecordSettlement(change, committed: false);
        var released = change.Reservation;
        if (released is { State: ReservationState.Released })
        {
            await SettleAsync(released, actualCents: null).ConfigureAwait(true);
        }

        return released;
    }

    // Tells every governor of the chain; a governor that holds nothing for the reservation (a replay, or an
    // activation that loaded the store after the write) ignores it.
    private async Task SettleAsync(Reservation reservation, decimal? actualCents)
    {
        await Task.WhenAll(reservation.Chain.Distinct(StringComparer.Ordinal)
            .Select(scope => _grains.GetGrain<IGovernorHoldsGrain>(scope).SettleHoldAsync(reservation.ReservationId, actualCents, CancellationToken.None)))
            .ConfigureAwait(true);
    }

    private Task ForgetAsync(List<string> scopes, HoldDecision[] decisions, string reservationId) =>
        Task.WhenAll(scopes.Zip(decisions).Where(p => p.Second.Held && p.Second.Windows.Count > 0)
            .Select(p => _grains.GetGrain<IGovernorHoldsGrain>(p.First).ForgetHoldAsync(reservationId, CancellationToken.None)));

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.CostDrift, Level = LogLevel.Warning,
        Message = "Reservation {ReservationId} on {ProviderId}: billed {Actual}¢ above the declared worst case {Reserved}¢")]
    private partial void LogDrift(string reservationId, string? providerId, decimal reserved, decimal actual);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.ReservationFenced, Level = LogLevel.Information,
        Message = "Reservation {ReservationId} not written: the governor of {Scope} was replaced since it decided (attempt {Attempt}); retrying")]
    private partial void LogFenced(string reservationId, string scope, int attempt);
}
