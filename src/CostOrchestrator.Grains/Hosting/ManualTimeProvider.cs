namespace CostOrchestrator.Grains.Hosting;

/// <summary>
/// A domain clock that moves only when told to: a simulation's (<c>costorch simulate</c>: it stands still while runs
/// execute, so every window, cache expiry and reservation sees the simulated day) and a test's. Timers created on it
/// (a run's wall-time budget, PeriodicTimer, CancelAfter, Task.Delay) fire when the clock is moved past their due
/// time, in order, never on the wall clock.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;

    /// <summary>A clock standing at <paramref name="start"/>.</summary>
    public ManualTimeProvider(DateTimeOffset start) => _now = start;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward by <paramref name="by"/>, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        AdvanceTo(GetUtcNow() + by);
    }

    /// <summary>Moves the clock forward to <paramref name="instant"/>, firing every timer that falls due on the way, in order.</summary>
    public void AdvanceTo(DateTimeOffset instant)
    {
        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                if (instant < _now)
                {
                    throw new ArgumentOutOfRangeException(nameof(instant), instant, $"The clock only moves forward (it is {_now:O}).");
                }

                next = _timers.Where(t => t.DueAt is { } due && due <= instant).MinBy(t => t.DueAt);
                if (next is null)
                {
                    _now = instant;
                    return;
                }

                _now = next.DueAt!.Value;
                next.DueAt = next.Period > TimeSpan.Zero ? _now + next.Period : null;
            }

            // Outside the lock: a callback may read the clock or change its own timer.
            next.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                if (!clock._timers.Contains(this))
                {
                    clock._timers.Add(this);
                }
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._lock)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
