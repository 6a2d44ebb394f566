using CostOrchestrator.Runtime.Grains;
using CostOrchestrator.Runtime.Storage;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Runtime.Reminders;

/// <summary>
/// Stores reminders and fires the due ones on this node. Due reminders are claimed in the store first,
/// so in a cluster each fires on one node; a reminder that fell due while every node was down is
/// delivered once on the next poll, with the number of ticks it missed.
/// </summary>
public sealed partial class ReminderService : IReminderRegistry
{
    private readonly IReminderStore _store;
    private readonly TimeProvider _time;
    private readonly ReminderServiceOptions _options;
    private readonly string _nodeId;
    private readonly ILogger<ReminderService> _logger;

    /// <summary>Creates the service.</summary>
    public ReminderService(IReminderStore store, TimeProvider time, ReminderServiceOptions options, string nodeId, ILogger<ReminderService> logger)
    {
        _store = store;
        _time = time;
        _options = options;
        _nodeId = nodeId;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task RegisterAsync(string grainType, string grainKey, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken)
    {
        if (period is { } p && p <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), "A reminder period must be positive.");
        }

        return _store.UpsertReminderAsync(new ReminderEntry { GrainType = grainType, GrainKey = grainKey, Name = name, DueAt = dueAt, Period = period }, cancellationToken);
    }

    /// <inheritdoc />
    public Task UnregisterAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken) =>
        _store.DeleteReminderAsync(grainType, grainKey, name, cancellationToken);

    /// <summary>Fires every reminder due now. Returns how many were delivered.</summary>
    public async Task<int> FireDueAsync(GrainRuntime runtime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var now = _time.GetUtcNow();
        var due = await _store.ClaimDueRemindersAsync(now, now + _options.ClaimDuration, _nodeId, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        var delivered = 0;
        foreach (var reminder in due)
        {
            var grainInterface = runtime.FindInterface(reminder.GrainType);
            if (grainInterface is null)
            {
                continue;
            }

            var (latestDue, missed, next) = Schedule(reminder, now);
            if (missed > 0)
            {
                LogCaughtUp(reminder.GrainType, reminder.GrainKey, reminder.Name, missed);
            }

            try
            {
                await runtime.DeliverReminderAsync(grainInterface, reminder.GrainKey, reminder.Name, new ReminderTick(latestDue, now, missed), cancellationToken).ConfigureAwait(false);
                await _store.CompleteReminderAsync(reminder, next, cancellationToken).ConfigureAwait(false);
                LogFired(reminder.GrainType, reminder.GrainKey, reminder.Name);
                delivered++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Left claimed: the claim lapses and the reminder is retried, here or on another node.
                LogFailed(ex, reminder.GrainType, reminder.GrainKey, reminder.Name);
            }
        }

        return delivered;
    }

    /// <summary>Polls for due reminders until the node stops.</summary>
    public async Task RunAsync(GrainRuntime runtime, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        do
        {
            try
            {
                await FireDueAsync(runtime, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex, "*", "*", "poll");
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    // A periodic reminder that missed ticks is delivered once for the latest of them, then moves to the
    // first due time after now: catching up must not replay a burst of stale ticks.
    private static (DateTimeOffset LatestDue, int Missed, DateTimeOffset? Next) Schedule(ReminderEntry reminder, DateTimeOffset now)
    {
        if (reminder.Period is not { } period)
        {
            return (reminder.DueAt, 0, null);
        }

        var elapsed = now - reminder.DueAt;
        var missed = (int)Math.Min(int.MaxValue, elapsed.Ticks / period.Ticks);
        var latest = reminder.DueAt + (period * missed);
        return (latest, missed, latest + period);
    }

    [LoggerMessage(EventId = Diagnostics.EventIds.ReminderFired, Level = LogLevel.Debug, Message = "Reminder {GrainType}/{GrainKey}/{Name} fired")]
    private partial void LogFired(string grainType, string grainKey, string name);

    [LoggerMessage(EventId = Diagnostics.EventIds.ReminderFailed, Level = LogLevel.Warning, Message = "Reminder {GrainType}/{GrainKey}/{Name} failed; it will be retried when its claim lapses")]
    private partial void LogFailed(Exception exception, string grainType, string grainKey, string name);

    [LoggerMessage(EventId = Diagnostics.EventIds.ReminderCaughtUp, Level = LogLevel.Information, Message = "Reminder {GrainType}/{GrainKey}/{Name} missed {Missed} ticks while no node was up; delivering once")]
    private partial void LogCaughtUp(string grainType, string grainKey, string name, int missed);
}
