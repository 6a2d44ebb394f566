using CostOrchestrator.Runtime.Grains;
using CostOrchestrator.Runtime.Tests.Grains;
using CostOrchestrator.Storage.Sqlite;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Runtime.Tests.Reminders;

[Collection(nameof(CounterGrainCollection))]
public sealed class ReminderServiceTests
{
    private static readonly DateTimeOffset _start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Reminder_DueWhileTheNodeWasDown_FiresExactlyOnceAfterRestart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(_start);
        lock (CounterGrain.Reminded)
        {
            CounterGrain.Reminded.Clear();
        }

        await using (var store = new SqliteStore(dir.File("db")))
        {
            await store.InitializeAsync(ct);
            var (runtime, reminders) = Create(store, clock);
            await reminders.RegisterAsync(GrainRuntime.GrainTypeName(typeof(ICounterGrain)), "r1", "tick", _start.AddHours(1), period: null, ct);
            await runtime.DisposeAsync();
        }

        // Down for a day: the reminder's due time passes with no node up.
        clock.Advance(TimeSpan.FromDays(1));

        await using var restartedStore = new SqliteStore(dir.File("db"));
        await restartedStore.InitializeAsync(ct);
        var (restarted, restartedReminders) = Create(restartedStore, clock);
        await using var _ = restarted;

        Assert.Equal(1, await restartedReminders.FireDueAsync(restarted, ct));
        Assert.Equal(0, await restartedReminders.FireDueAsync(restarted, ct));
        var fired = Assert.Single(CounterGrain.Reminded);
        Assert.Equal(("r1", "tick", _start.AddHours(1)), (fired.Key, fired.Name, fired.Tick.DueAt));
        Assert.Empty(await restartedStore.GetRemindersAsync(ct));
    }

    [Fact]
    public async Task PeriodicReminder_MissedTicks_AreFoldedIntoOneDeliveryAndTheNextDueIsInTheFuture()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(_start);
        lock (CounterGrain.Reminded)
        {
            CounterGrain.Reminded.Clear();
        }

        await using var store = new SqliteStore(dir.File("db"));
        await store.InitializeAsync(ct);
        var (runtime, reminders) = Create(store, clock);
        await using var _ = runtime;
        await reminders.RegisterAsync(GrainRuntime.GrainTypeName(typeof(ICounterGrain)), "p", "hourly", _start.AddHours(1), TimeSpan.FromHours(1), ct);

        clock.Advance(TimeSpan.FromHours(5.5));
        Assert.Equal(1, await reminders.FireDueAsync(runtime, ct));

        var fired = Assert.Single(CounterGrain.Reminded);
        Assert.Equal(4, fired.Tick.MissedTicks);
        Assert.Equal(_start.AddHours(5), fired.Tick.DueAt);
        Assert.Equal(_start.AddHours(6), Assert.Single(await store.GetRemindersAsync(ct)).DueAt);
    }

    private static (GrainRuntime, CostOrchestrator.Runtime.Reminders.ReminderService) Create(SqliteStore store, TimeProvider time) =>
        GrainRuntimeTests.Create(store, time);
}
