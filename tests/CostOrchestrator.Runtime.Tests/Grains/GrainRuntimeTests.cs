using CostOrchestrator.Runtime.Grains;
using CostOrchestrator.Runtime.Reminders;
using CostOrchestrator.Storage.Sqlite;
using CostOrchestrator.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CostOrchestrator.Runtime.Tests.Grains;

[Collection(nameof(CounterGrainCollection))]
public sealed class GrainRuntimeTests
{
    internal static (GrainRuntime Runtime, ReminderService Reminders) Create(SqliteStore store, TimeProvider time, string nodeId = "n1")
    {
        var reminders = new ReminderService(store, time, new ReminderServiceOptions(), nodeId, NullLogger<ReminderService>.Instance);
        var services = new ServiceCollection().BuildServiceProvider();
        var runtime = new GrainRuntime(
            new Dictionary<Type, Type> { [typeof(ICounterGrain)] = typeof(CounterGrain) },
            services, reminders, time, new GrainRuntimeOptions { IdleTimeout = TimeSpan.FromMinutes(10) }, NullLogger<GrainRuntime>.Instance);
        return (runtime, reminders);
    }

    [Fact]
    public async Task Calls_OnOneActivation_RunOneTurnAtATime()
    {
        using var dir = new TempDirectory();
        await using var store = new SqliteStore(dir.File("db"));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var (runtime, _) = Create(store, TimeProvider.System);
        await using var _ = runtime;
        CounterGrain.MaxConcurrent = 0;
        var grain = runtime.GetGrain<ICounterGrain>("turns");

        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => grain.IncrementSlowlyAsync(TestContext.Current.CancellationToken))));

        Assert.Equal(100, await grain.GetAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, CounterGrain.MaxConcurrent);
    }

    [Fact]
    public async Task GetGrain_SameKey_SharesOneActivation_DifferentKeysDoNot()
    {
        using var dir = new TempDirectory();
        await using var store = new SqliteStore(dir.File("db"));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var (runtime, _) = Create(store, TimeProvider.System);
        await using var _ = runtime;

        await runtime.GetGrain<ICounterGrain>("a").IncrementSlowlyAsync(TestContext.Current.CancellationToken);
        await runtime.GetGrain<ICounterGrain>("a").IncrementSlowlyAsync(TestContext.Current.CancellationToken);
        await runtime.GetGrain<ICounterGrain>("b").IncrementSlowlyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, await runtime.GetGrain<ICounterGrain>("a").GetAsync(TestContext.Current.CancellationToken));
        Assert.Equal("b", await runtime.GetGrain<ICounterGrain>("b").KeyAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, runtime.ActivationCount);
    }

    [Fact]
    public async Task CollectIdle_DeactivatesOnlyActivationsIdlePastTheTimeout()
    {
        using var dir = new TempDirectory();
        await using var store = new SqliteStore(dir.File("db"));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var (runtime, _) = Create(store, clock);
        await using var _ = runtime;
        var deactivationsBefore = CounterGrain.Deactivations;

        await runtime.GetGrain<ICounterGrain>("old").IncrementSlowlyAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(9));
        await runtime.GetGrain<ICounterGrain>("recent").IncrementSlowlyAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(1, await runtime.CollectIdleAsync(TestContext.Current.CancellationToken));
        Assert.Equal(deactivationsBefore + 1, CounterGrain.Deactivations);
        Assert.Equal(1, runtime.ActivationCount);

        // A call after collection gets a fresh activation (state is in memory only for this test grain).
        Assert.Equal(0, await runtime.GetGrain<ICounterGrain>("old").GetAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AlwaysInterleave_RunsWhileATurnIsInProgress()
    {
        using var dir = new TempDirectory();
        await using var store = new SqliteStore(dir.File("db"));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var (runtime, _) = Create(store, TimeProvider.System);
        await using var _ = runtime;
        var grain = runtime.GetGrain<ICounterGrain>("peek");

        var slow = Enumerable.Range(0, 20).Select(_ => grain.IncrementSlowlyAsync(TestContext.Current.CancellationToken)).ToList();
        var seenInFlight = 0;
        while (slow.Any(t => !t.IsCompleted))
        {
            seenInFlight = Math.Max(seenInFlight, await grain.PeekInFlightAsync(TestContext.Current.CancellationToken));
            await Task.Yield();
        }

        await Task.WhenAll(slow);
        Assert.Equal(1, seenInFlight);
    }
}

[CollectionDefinition(nameof(CounterGrainCollection), DisableParallelization = true)]
public sealed class CounterGrainCollection
{
}
