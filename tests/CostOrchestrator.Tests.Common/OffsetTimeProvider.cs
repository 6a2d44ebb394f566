namespace CostOrchestrator.Tests.Common;

/// <summary>
/// The real clock, shifted: time flows as it does, but "now" is wherever the test needs it (a few seconds before a
/// window boundary), so Orleans' reminders, which run on the real clock, fall due for real.
/// </summary>
public sealed class OffsetTimeProvider(DateTimeOffset now) : TimeProvider
{
    private readonly TimeSpan _offset = now - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}
