using CostOrchestrator.Grains.Hosting;

namespace CostOrchestrator.Grains.Tests.Hosting;

public sealed class ManualTimeProviderTests
{
    [Fact]
    public void AdvanceTo_PastATimersDueTime_FiresIt_NeverBefore()
    {
        var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var clock = new ManualTimeProvider(start);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15), clock);

        clock.AdvanceTo(start.AddMinutes(14));
        Assert.False(timeout.IsCancellationRequested);

        clock.AdvanceTo(start.AddHours(8));
        Assert.True(timeout.IsCancellationRequested);
        Assert.Equal(start.AddHours(8), clock.GetUtcNow());
    }

    [Fact]
    public void AdvanceTo_Backwards_IsRefused()
    {
        var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var clock = new ManualTimeProvider(start);

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.AdvanceTo(start.AddSeconds(-1)));
    }
}
