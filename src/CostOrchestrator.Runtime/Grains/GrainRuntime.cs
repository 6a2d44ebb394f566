using System.Collections.Concurrent;
using System.Reflection;
using CostOrchestrator.Abstractions.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Runtime.Grains;

/// <summary>
/// The per-node grain runtime: maps grain interfaces to implementations, keeps one activation per key,
/// runs calls one turn at a time and collects idle activations. It does not coordinate with other nodes:
/// cluster-wide correctness comes from the store (DESIGN.md §2).
/// </summary>
public sealed partial class GrainRuntime : IGrainFactory, IAsyncDisposable
{
    private readonly ConcurrentDictionary<(Type Interface, string Key), GrainActivation> _activations = new();
    private readonly ConcurrentDictionary<(Type Interface, string Key), object> _references = new();
    private readonly IReadOnlyDictionary<Type, Type> _implementations;
    private readonly IServiceProvider _services;
    private readonly GrainRuntimeOptions _options;
    private readonly ILogger<GrainRuntime> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    /// <summary>Creates a runtime for the given interface-to-implementation map.</summary>
    public GrainRuntime(
        IReadOnlyDictionary<Type, Type> implementations,
        IServiceProvider services,
        IReminderRegistry reminders,
        TimeProvider time,
        GrainRuntimeOptions options,
        ILogger<GrainRuntime> logger)
    {
        _implementations = implementations;
        _services = services;
        Reminders = reminders;
        Time = time;
        _options = options;
        _logger = logger;
    }

    /// <summary>The node's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Durable reminders.</summary>
    public IReminderRegistry Reminders { get; }

    /// <summary>Cancelled when the node stops.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Activations alive on this node.</summary>
    public int ActivationCount => _activations.Count;

    /// <summary>The stable type name under which reminders are stored for a grain interface.</summary>
    public static string GrainTypeName(Type grainInterface) => grainInterface.Name;

    /// <inheritdoc />
    public TGrain GetGrain<TGrain>(string key) where TGrain : class, IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!_implementations.ContainsKey(typeof(TGrain)))
        {
            throw new ArgumentException($"No implementation is registered for {typeof(TGrain).Name}.");
        }

        return (TGrain)_references.GetOrAdd((typeof(TGrain), key), static (k, runtime) =>
        {
            var proxy = DispatchProxy.Create<TGrain, GrainProxy>();
            ((GrainProxy)(object)proxy).Initialize(runtime, k.Interface, k.Key);
            return proxy;
        }, this);
    }

    /// <summary>Resolves a grain interface by its reminder type name (for reminder delivery).</summary>
    public Type? FindInterface(string grainTypeName) =>
        _implementations.Keys.FirstOrDefault(t => GrainTypeName(t) == grainTypeName);

    /// <summary>Delivers a due reminder to its grain as a turn.</summary>
    public async Task DeliverReminderAsync(Type grainInterface, string key, string name, ReminderTick tick, CancellationToken cancellationToken)
    {
        while (true)
        {
            var activation = GetActivation(grainInterface, key);
            if (activation.Grain is not IRemindable remindable)
            {
                throw new InvalidOperationException($"{grainInterface.Name} does not implement {nameof(IRemindable)}.");
            }

            try
            {
                await activation.RunTurnAsync(async () =>
                {
                    await remindable.ReceiveReminderAsync(name, tick, cancellationToken).ConfigureAwait(false);
                    return true;
                }, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ActivationDeactivatedException)
            {
                // Collected while waiting; deliver to a fresh activation.
            }
        }
    }

    /// <summary>Deactivates activations unused for longer than the idle timeout. Returns how many.</summary>
    public async Task<int> CollectIdleAsync(CancellationToken cancellationToken = default)
    {
        var idleBefore = Time.GetUtcNow() - _options.IdleTimeout;
        var collected = 0;
        foreach (var (id, activation) in _activations)
        {
            if (activation.LastUsed > idleBefore || activation.IsKeptAlive)
            {
                continue;
            }

            if (await activation.TryDeactivateAsync(idleBefore, force: false, cancellationToken).ConfigureAwait(false))
            {
                _activations.TryRemove(KeyValuePair.Create(id, activation));
                LogDeactivated(id.Interface.Name, id.Key);
                collected++;
            }
        }

        return collected;
    }

    /// <summary>Runs idle collection until the node stops.</summary>
    public async Task RunCollectorAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.CollectionInterval, Time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await CollectIdleAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deactivates everything (graceful stop).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var (id, activation) in _activations)
        {
            try
            {
                await activation.TryDeactivateAsync(DateTimeOffset.MaxValue, force: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogCallFailed(ex, id.Interface.Name, id.Key);
            }

            _activations.TryRemove(id, out _);
        }

        _stopping.Dispose();
    }

    internal GrainActivation GetActivation(Type grainInterface, string key) =>
        _activations.GetOrAdd((grainInterface, key), static (id, runtime) => runtime.Create(id.Interface, id.Key), this);

    private GrainActivation Create(Type grainInterface, string key)
    {
        var implementation = _implementations[grainInterface];
        var grain = (Grain)ActivatorUtilities.CreateInstance(_services, implementation);
        LogActivated(grainInterface.Name, key);
        return new GrainActivation(this, GrainTypeName(grainInterface), key, grain);
    }

    [LoggerMessage(EventId = Diagnostics.EventIds.GrainActivated, Level = LogLevel.Debug, Message = "Activated {Grain}/{Key}")]
    private partial void LogActivated(string grain, string key);

    [LoggerMessage(EventId = Diagnostics.EventIds.GrainDeactivated, Level = LogLevel.Debug, Message = "Deactivated idle {Grain}/{Key}")]
    private partial void LogDeactivated(string grain, string key);

    [LoggerMessage(EventId = Diagnostics.EventIds.GrainCallFailed, Level = LogLevel.Warning, Message = "Deactivating {Grain}/{Key} failed")]
    private partial void LogCallFailed(Exception exception, string grain, string key);
}
