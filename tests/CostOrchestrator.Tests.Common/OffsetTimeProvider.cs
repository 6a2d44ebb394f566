namespace CostOrchestrator.Tests.Common;

/// <summary>
/// The real clock, shifted: time flows as it does, but "now" is wherever the test puts it (a few seconds before a
/// window boundary), so Orleans' reminders, which run on the real clock, fall due for real.
/// </summary>
public sealed class OffsetTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public OffsetTimeProvider(DateTimeOffset now) => SetNow(now);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Makes "now" <paramref name="now"/>; time keeps flowing from there.</summary>
    public void SetNow(DateTimeOffset now) => Interlocked.Exchange(ref _offsetTicks, (now - System.GetUtcNow()).Ticks);
}
