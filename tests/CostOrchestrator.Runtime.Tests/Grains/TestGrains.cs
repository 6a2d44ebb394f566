using CostOrchestrator.Abstractions.Grains;
using CostOrchestrator.Runtime.Grains;

namespace CostOrchestrator.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementSlowlyAsync(CancellationToken cancellationToken = default);

    Task<int> GetAsync(CancellationToken cancellationToken = default);

    [AlwaysInterleave]
    Task<int> PeekInFlightAsync(CancellationToken cancellationToken = default);

    Task<string> KeyAsync(CancellationToken cancellationToken = default);
}

/// <summary>Records the highest number of calls it ever saw at once; a turn-based runtime keeps that at 1.</summary>
public sealed class CounterGrain : Grain, ICounterGrain, IRemindable
{
    private int _value;
    private int _inFlight;

    public static int Activations;
    public static int Deactivations;
    public static int MaxConcurrent;
    public static readonly List<(string Key, string Name, ReminderTick Tick)> Reminded = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Activations);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Deactivations);
        return Task.CompletedTask;
    }

    public async Task<int> IncrementSlowlyAsync(CancellationToken cancellationToken = default)
    {
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref MaxConcurrent, now);
        var read = _value;

        // Yield in the middle of a read-modify-write: interleaved calls would lose updates.
        await Task.Yield();
        await Task.Delay(1, cancellationToken);
        _value = read + 1;
        Interlocked.Decrement(ref _inFlight);
        return _value;
    }

    public Task<int> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_value);

    public Task<int> PeekInFlightAsync(CancellationToken cancellationToken = default) => Task.FromResult(Volatile.Read(ref _inFlight));

    public Task<string> KeyAsync(CancellationToken cancellationToken = default) => Task.FromResult(Key);

    public Task ReceiveReminderAsync(string reminderName, ReminderTick tick, CancellationToken cancellationToken)
    {
        lock (Reminded)
        {
            Reminded.Add((Key, reminderName, tick));
        }

        return Task.CompletedTask;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
