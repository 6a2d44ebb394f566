using System.Collections.Concurrent;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Grains.Diagnostics;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// This silo's budget slices, one chain at a time: a call that may use one (<see cref="TryTake"/>) is decided here, in
/// memory, against head-room the chain's governors reserved for this silo as one lease — no grain call and no store
/// write on the call's path. A lease is an ordinary reservation on the chain, written by the reservation coordinator, so
/// the governors count it like any other: whatever the silos decide locally, the limits hold. Slices are sized from
/// every chain scope's head-room (<see cref="SliceSizing"/>): near a limit they shrink, and below a floor no slice is
/// leased and calls take the exact path through the governors. A background loop charges committed calls to their
/// lease in batches (ledger rows and the lease's running charge, in one transaction; then the governors are told), and
/// gives each lease back when its slice has ended and its calls are done. Should the silo die, its pending leases are
/// settled like any reservation of a dead silo: what they still held is charged as unreconciled — never less than its
/// calls cost.
/// </summary>
public sealed partial class BudgetSlices : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    // A flush also starts early once this many committed calls wait (bounding one transaction's size).
    private const int FlushAtCount = 2048;

    // How long stopping the silo waits for calls in flight on a slice before giving the leases back.
    private static readonly TimeSpan DrainOnStop = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ChainSlices> _chains = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grains;
    private readonly IBudgetStore _store;
    private readonly PolicyCache _policies;
    private readonly BudgetBook _book;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;
    private readonly CostOrchestratorTelemetry _telemetry;
    private readonly ILogger<BudgetSlices> _logger;
    private readonly string _silo;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private Task? _loop;
    private int _disposed;

    /// <summary>Creates the slices (the loop starts with the silo).</summary>
    public BudgetSlices(IGrainFactory grains, IBudgetStore store, PolicyCache policies, BudgetBook book, [FromKeyedServices(NodeClock.Key)] TimeProvider time,
        NodeOptions options, ILocalSiloDetails silo, CostOrchestratorTelemetry telemetry, ILogger<BudgetSlices> logger)
    {
        ArgumentNullException.ThrowIfNull(silo);
        _grains = grains;
        _store = store;
        _policies = policies;
        _book = book;
        _time = time;
        _options = options;
        _telemetry = telemetry;
        _logger = logger;
        _silo = silo.SiloAddress.ToParsableString();
    }

    private SliceOptions Options => _options.Slices;

    /// <summary>
    /// Takes the call's worst case from its chain's slice on this silo. Null when the call must go to the governors:
    /// slices are off, the call may overdraw (high priority), or the chain has no slice with room right now — then a
    /// lease is asked for in the background, for the calls after this one.
    /// </summary>
    public SliceTicket? TryTake(ReservationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MayUseSlice(request))
        {
            return null;
        }

        var worstCase = Cents.RoundUpToMicros(request.AmountCents);
        var key = ChainKey(request.Chain);
        if (!_chains.TryGetValue(key, out var chain))
        {
            chain = _chains.GetOrAdd(key, new ChainSlices([.. request.Chain.Distinct(StringComparer.Ordinal)], request.Attribution));
        }

        var now = _time.GetUtcNow();
        for (var tries = 0; tries < 2; tries++)
        {
            var slice = chain.Current;
            if (slice is null)
            {
                break;
            }

            var taken = slice.TryTakeMicros(worstCase, now);
            if (taken != SliceTake.Refused)
            {
                if (taken == SliceTake.TakenWantsNext)
                {
                    // Half used, or half its life gone: have the next slice ready before this one runs out.
                    StartLease(chain, Cents.FromMicros(worstCase), now);
                }

                return new SliceTicket(slice, worstCase);
            }

            chain.Retire(slice);
        }

        StartLease(chain, Cents.FromMicros(worstCase), now);
        return null;
    }

    /// <summary>
    /// <see cref="TryTake"/>, but a call that finds its chain between slices while the next lease is on its way waits for
    /// it (at most <see cref="SliceOptions.WaitForLease"/>) instead of going to the governors: under load, every call in
    /// flight would otherwise take the exact path at once, queue the lease behind them, and keep the chain off its slice.
    /// </summary>
    public async ValueTask<SliceTicket?> TakeAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        if (TryTake(request) is { } ticket)
        {
            return ticket;
        }

        if (!MayUseSlice(request) || _chains.GetValueOrDefault(ChainKey(request.Chain))?.Leasing is not { IsCompleted: false } leasing)
        {
            return null;
        }

        try
        {
            await leasing.WaitAsync(Options.WaitForLease, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }

        return TryTake(request);
    }

    /// <summary>The call taken with <paramref name="ticket"/> cost <paramref name="actualCents"/>: recorded, charged in the next flush.</summary>
    public void Commit(SliceTicket ticket, decimal actualCents, TokenCounts? tokens, ChargeAttribution attribution)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var id = Guid.NewGuid().ToString("N");
        var charge = new SliceCharge
        {
            EntryId = "led_" + id,
            ReservationId = "slc_" + id,
            CreatedAt = _time.GetUtcNow(),
            Attribution = attribution,
            EstimatedCents = Cents.FromMicros(ticket.WorstCaseMicros),
            ActualCents = Cents.RoundUp(actualCents),
            Tokens = tokens,
        };
        ticket.Slice.Commit(charge);
        _telemetry.RecordSliceCall(charge.ActualCents, attribution);
        if (ticket.Slice.UnflushedCount >= FlushAtCount)
        {
            Wake();
        }
    }

    /// <summary>The call taken with <paramref name="ticket"/> did not happen: its worst case goes back to the slice.</summary>
    public void Release(SliceTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ticket.Slice.ReleaseMicros(ticket.WorstCaseMicros);
    }

    /// <summary>
    /// Charges every committed call on this silo to its lease now, rather than at the next tick: what reads on this node
    /// show afterwards includes them.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var chain in _chains.Values)
        {
            foreach (var slice in chain.All())
            {
                await FlushSliceAsync(chain, slice, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>This silo's slices now: what each lease was granted, what is left and what its calls cost so far.</summary>
    public IReadOnlyList<SliceState> Describe() =>
    [
        .. _chains.Values.SelectMany(chain => chain.All().Select(slice =>
            new SliceState(chain.Scopes, slice.LeaseId, slice.GrantedCents, slice.RemainingCents, slice.ChargedCents, slice.FlushedCents, slice.IsClosed))),
    ];

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);

        // Active: grain calls work in both directions, so leases can be taken on start and given back on stop.
        lifecycle.Subscribe(nameof(BudgetSlices), ServiceLifecycleStage.Active,
            _ =>
            {
                _loop = Task.Run(() => LoopAsync(_stopping.Token));
                return Task.CompletedTask;
            },
            StopAsync);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The container disposes it once as itself and once as a lifecycle participant.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
        _wake.Dispose();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    // Slices on, the silo running, a call that may not overdraw (high priority does, through the governors) and costs something.
    private bool MayUseSlice(ReservationRequest request) =>
        Options.Enabled && _loop is not null && request.Priority != Priority.High && request.AmountCents > 0m;

    private static string ChainKey(IReadOnlyList<string> chain) => string.Join('\n', chain);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.BackgroundLoopFailed, Level = LogLevel.Warning, Message = "Budget slices: a flush or lease return failed; retrying next tick")]
    private partial void LogTickFailed(Exception exception);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.BackgroundLoopFailed, Level = LogLevel.Warning, Message = "Budget slices: leasing a slice of {Chain} failed; calls take the exact path meanwhile")]
    private partial void LogLeaseFailed(Exception exception, string chain);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.BackgroundLoopFailed, Level = LogLevel.Warning,
        Message = "Budget slice lease {LeaseId} was settled before its {Count} calls were charged; their cost is inside that settlement")]
    private partial void LogLeaseSettled(string leaseId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Budget slice lease {LeaseId} of {Amount}¢ on {Chain}")]
    private partial void LogLeased(string leaseId, decimal amount, string chain);

    private bool LogTellFailed(Exception exception, string leaseId)
    {
        LogTellFailedCore(exception, leaseId);
        return false;
    }

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.BackgroundLoopFailed, Level = LogLevel.Information,
        Message = "Budget slice lease {LeaseId}: a governor was not told of its charges; it reads them from the store")]
    private partial void LogTellFailedCore(Exception exception, string leaseId);
}
