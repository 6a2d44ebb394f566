using System.Collections.Concurrent;
using CostOrchestrator.Abstractions.Registry;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Registry;

/// <summary>
/// This silo's copy of the registry, which the routing path reads instead of calling the registry grain per request.
/// It subscribes to the grain (<see cref="IRegistryPublisherGrain"/>), which sends it every change before the change's
/// caller is answered; it renews the subscription as it is read, so a copy dropped by a registry that moved or
/// restarted is current again within <see cref="RenewEvery"/>. Successful calls to healthy providers are batched to
/// the grain once a second; failures, and successes that may close a breaker, are reported at once.
/// </summary>
public sealed partial class RegistryCopy : IRegistryObserver, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    /// <summary>How often the copy renews its subscription (and takes the registry's latest averages).</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(1);

    private readonly IGrainFactory _grains;
    private readonly ILogger<RegistryCopy> _logger;
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private readonly ConcurrentQueue<ProviderLatency> _successes = new();
    private readonly object _gate = new();
    private View? _view;
    private DateTimeOffset _renewAt;
    private IRegistryObserver? _reference;
    private Timer? _flush;
    private bool _stopped;

    /// <summary>Created once per silo by the container.</summary>
    public RegistryCopy(IGrainFactory grains, ILogger<RegistryCopy> logger)
    {
        _grains = grains;
        _logger = logger;
    }

    private ICapabilityRegistryGrain Registry => _grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);

    /// <summary>Every provider, or those of one capability, ordered by capability then id.</summary>
    public async ValueTask<IReadOnlyList<ProviderRecord>> GetProvidersAsync(string? capability, CancellationToken cancellationToken)
    {
        var view = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        return capability is null ? view.Snapshot.Providers : view.ByCapability.GetValueOrDefault(capability) ?? [];
    }

    /// <summary>
    /// The providers as this copy last saw them, without renewing or waiting: what the provider gauges read on a scrape
    /// (empty until the copy first loads).
    /// </summary>
    public IReadOnlyList<ProviderRecord> Known => Volatile.Read(ref _view)?.Snapshot.Providers ?? [];

    /// <summary>
    /// Reports the outcome of one call. A success on a provider this copy sees as healthy cannot change its health
    /// and is batched; anything else goes to the registry now, so a breaker opens before the next call routes.
    /// </summary>
    public Task ReportOutcomeAsync(ProviderRecord provider, bool success, double latencyMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (!success || provider.Health != ProviderHealth.Healthy)
        {
            return Registry.ReportOutcomeAsync(provider.ProviderId, success, latencyMs, cancellationToken);
        }

        _successes.Enqueue(new ProviderLatency { ProviderId = provider.ProviderId, LatencyMs = latencyMs });
        if (_flush is null)
        {
            lock (_gate)
            {
                if (!_stopped)
                {
                    _flush ??= new Timer(_ => Flush(), null, FlushEvery, FlushEvery);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnChangedAsync(RegistrySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Apply(snapshot);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);

        // While the silo still takes calls on its way down: stop batching, and send what is batched.
        lifecycle.Subscribe(nameof(RegistryCopy), ServiceLifecycleStage.Active, _ => Task.CompletedTask, async _ =>
        {
            await StopFlushingAsync().ConfigureAwait(false);
            Flush();
        });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The registry drops this copy when its lease lapses.
        await StopFlushingAsync().ConfigureAwait(false);
        _renewing.Dispose();
    }

    private async Task StopFlushingAsync()
    {
        Timer? flush;
        lock (_gate)
        {
            _stopped = true;
            flush = _flush;
            _flush = null;
        }

        if (flush is not null)
        {
            await flush.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<View> CurrentAsync(CancellationToken cancellationToken)
    {
        var view = _view;
        if (view is not null && TimeProvider.System.GetUtcNow() < _renewAt)
        {
            return view;
        }

        await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_view is { } renewed && TimeProvider.System.GetUtcNow() < _renewAt)
            {
                return renewed;
            }

            // Orleans refuses to create an observer reference on a grain's scheduler, and the first read on a silo may
            // come from a run grain: create it on the thread pool.
            _reference ??= await Task.Run(() => _grains.CreateObjectReference<IRegistryObserver>(this), cancellationToken).ConfigureAwait(false);
            try
            {
                var snapshot = await _grains.GetGrain<IRegistryPublisherGrain>(ICapabilityRegistryGrain.DefaultKey)
                    .SubscribeAsync(_reference, Lease).WaitAsync(cancellationToken).ConfigureAwait(false);
                Apply(snapshot);
                _renewAt = TimeProvider.System.GetUtcNow() + RenewEvery;
            }
            catch (Exception ex) when (_view is not null && ex is not OperationCanceledException)
            {
                // The registry is moving or its silo is gone: route from what this copy has, and try again shortly.
                LogRenewFailed(ex.GetType().Name, ex.Message);
                _renewAt = TimeProvider.System.GetUtcNow() + RetryAfterFailure;
            }

            return _view!;
        }
        finally
        {
            _renewing.Release();
        }
    }

    private void Apply(RegistrySnapshot snapshot)
    {
        lock (_gate)
        {
            // The same version may come with newer averages (a renewal); an older one is a change overtaken.
            if (_view is null || snapshot.Version >= _view.Snapshot.Version)
            {
                _view = new View(snapshot);
            }
        }
    }

    private void Flush()
    {
        var batch = new List<ProviderLatency>();
        while (batch.Count < 10_000 && _successes.TryDequeue(out var sample))
        {
            batch.Add(sample);
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            // One-way: nothing to wait for; a lost batch only makes the averages a little older.
            _ = _grains.GetGrain<IRegistryPublisherGrain>(ICapabilityRegistryGrain.DefaultKey).ReportSuccessesAsync(batch);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // The silo is stopping.
        }
    }

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RegistryCopyRenewFailed, Level = LogLevel.Warning,
        Message = "This silo's registry copy could not renew ({Error}: {Message}); routing from the copy it has")]
    private partial void LogRenewFailed(string error, string message);

    private sealed class View(RegistrySnapshot snapshot)
    {
        public RegistrySnapshot Snapshot { get; } = snapshot;

        public Dictionary<string, IReadOnlyList<ProviderRecord>> ByCapability { get; } = snapshot.Providers
            .GroupBy(p => p.Capability, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ProviderRecord>)[.. g], StringComparer.Ordinal);
    }
}
