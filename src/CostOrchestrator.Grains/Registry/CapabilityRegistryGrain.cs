using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Providers;
using CostOrchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace CostOrchestrator.Grains.Registry;

/// <summary>
/// Prices and health of every provider: one activation in the cluster (Orleans places it), owning the registry as its
/// persisted grain state, so the circuit breaker, latency EWMA and error rate see every node's calls. Each silo routes
/// from its own copy (<see cref="RegistryCopy"/>); every change written here reaches every live copy before the call
/// that made it returns, so a price change routes the next call on every node.
/// </summary>
public sealed partial class CapabilityRegistryGrain : Grain, ICapabilityRegistryGrain, IRegistryPublisherGrain
{
    private const string OperatorPrefix = "operator: ";
    private const string CheckPrefix = "check: ";
    private const string BreakerPrefix = "breaker: ";
    private const double LatencyAlpha = 0.2;
    private const double ErrorAlpha = 0.1;

    // A copy that does not answer within this is dropped; it subscribes again on its next renewal.
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan BreakerCheckEvery = TimeSpan.FromSeconds(1);

    private readonly IPersistentState<RegistryState> _state;
    private readonly IRegistryStore _legacy;
    private readonly ProviderAdapters _adapters;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;
    private readonly ILogger<CapabilityRegistryGrain> _logger;
    private readonly Dictionary<string, Breaker> _breakers = new(StringComparer.Ordinal);
    private readonly Dictionary<IRegistryObserver, DateTimeOffset> _copies = [];

    /// <summary>Created by Orleans on activation.</summary>
    public CapabilityRegistryGrain(
        [PersistentState("registry", GrainStorage.Name)] IPersistentState<RegistryState> state,
        IRegistryStore legacy,
        ProviderAdapters adapters,
        [FromKeyedServices(NodeClock.Key)] TimeProvider time,
        NodeOptions options,
        ILogger<CapabilityRegistryGrain> logger)
    {
        _state = state;
        _legacy = legacy;
        _adapters = adapters;
        _time = time;
        _options = options;
        _logger = logger;
    }

    private Dictionary<string, ProviderRecord> Providers => _state.State.Providers;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!_state.State.Imported)
        {
            await ImportLegacyRowsAsync(cancellationToken).ConfigureAwait(true);
        }

        // After the cooldown an open breaker lets trial calls through; nobody calls the grain per request any more,
        // so a timer does it.
        this.RegisterGrainTimer(HalfOpenExpiredBreakersAsync, BreakerCheckEvery, BreakerCheckEvery);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ProviderRecord>> GetProvidersAsync(string? capability = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ProviderRecord>>(Ordered(Providers.Values.Where(p => capability is null || p.Capability == capability)));

    /// <inheritdoc />
    public Task<ProviderRecord?> GetProviderAsync(string providerId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Providers.GetValueOrDefault(providerId));

    /// <inheritdoc />
    public async Task<ProviderRecord> UpsertProviderAsync(ProviderRecord provider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var errors = ProviderValidator.Validate(provider);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(provider));
        }

        var now = _time.GetUtcNow();
        var existing = Providers.GetValueOrDefault(provider.ProviderId);
        var priceChanged = existing is null || existing.CostModel != provider.CostModel;
        var record = provider with
        {
            PriceUpdatedAt = priceChanged ? (provider.PriceUpdatedAt == default ? now : provider.PriceUpdatedAt) : existing!.PriceUpdatedAt,
            LatencyEwmaMs = existing?.LatencyEwmaMs ?? provider.LatencyEwmaMs,
            ErrorRate = existing?.ErrorRate ?? provider.ErrorRate,
        };
        var stored = await SaveAsync(record, priceChanged, cancellationToken).ConfigureAwait(true);
        if (priceChanged && existing is not null)
        {
            LogPriceChanged(stored.ProviderId);
        }

        return stored;
    }

    /// <inheritdoc />
    public async Task<ProviderRecord?> UpdateProviderAsync(string providerId, ProviderUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!Providers.TryGetValue(providerId, out var existing))
        {
            return null;
        }

        var record = existing;
        if (update.CostModel is { } price)
        {
            var errors = ProviderValidator.ValidateCostModel(price);
            if (errors.Count > 0)
            {
                throw new ArgumentException(string.Join("; ", errors), nameof(update));
            }

            record = record with { CostModel = price, PriceUpdatedAt = _time.GetUtcNow() };
        }

        if (update.Health is { } health)
        {
            _breakers.Remove(providerId);
            record = record with
            {
                Health = health,
                HealthReason = health == ProviderHealth.Healthy ? null : OperatorPrefix + (update.Reason ?? "set by operator"),
            };
        }

        return await SaveAsync(record, priceChanged: update.CostModel is not null, cancellationToken).ConfigureAwait(true);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteProviderAsync(string providerId, CancellationToken cancellationToken = default)
    {
        if (!Providers.Remove(providerId))
        {
            return false;
        }

        _breakers.Remove(providerId);
        await WriteAndPublishAsync(cancellationToken).ConfigureAwait(true);
        return true;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PriceChange>> GetPriceHistoryAsync(string providerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PriceChange>>(_state.State.PriceHistory.TryGetValue(providerId, out var history) ? [.. history] : []);

    /// <inheritdoc />
    public async Task ReportOutcomeAsync(string providerId, bool success, double latencyMs, CancellationToken cancellationToken = default)
    {
        if (!Providers.TryGetValue(providerId, out var provider))
        {
            return;
        }

        var updated = WithSample(provider, success, latencyMs);
        var breaker = _breakers.TryGetValue(providerId, out var b) ? b : new Breaker();
        var healthChanged = false;
        if (success)
        {
            breaker.ConsecutiveFailures = 0;
            if (IsFrom(provider, BreakerPrefix))
            {
                updated = updated with { Health = ProviderHealth.Healthy, HealthReason = null };
                healthChanged = true;
            }
        }
        else
        {
            breaker.ConsecutiveFailures++;
            var halfOpenTrialFailed = provider.Health == ProviderHealth.Degraded && IsFrom(provider, BreakerPrefix);
            if ((breaker.ConsecutiveFailures >= _options.BreakerFailureThreshold || halfOpenTrialFailed) && !IsFrom(provider, OperatorPrefix))
            {
                breaker.OpenUntil = _time.GetUtcNow() + _options.BreakerCooldown;
                updated = updated with { Health = ProviderHealth.Down, HealthReason = $"{BreakerPrefix}{breaker.ConsecutiveFailures} consecutive failures; retry after {breaker.OpenUntil:O}" };
                healthChanged = provider.Health != ProviderHealth.Down;
                LogBreakerOpened(providerId, breaker.ConsecutiveFailures);
            }
        }

        _breakers[providerId] = breaker;
        if (healthChanged)
        {
            await SaveAsync(updated, priceChanged: false, cancellationToken).ConfigureAwait(true);
        }
        else
        {
            // Averages move with every call; they are written with the next change and reach the copies when they renew.
            Providers[providerId] = updated;
        }
    }

    /// <inheritdoc />
    public Task ReportSuccessesAsync(IReadOnlyList<ProviderLatency> successes)
    {
        ArgumentNullException.ThrowIfNull(successes);
        foreach (var sample in successes)
        {
            if (Providers.TryGetValue(sample.ProviderId, out var provider))
            {
                Providers[sample.ProviderId] = WithSample(provider, success: true, sample.LatencyMs);
                if (_breakers.TryGetValue(sample.ProviderId, out var breaker))
                {
                    breaker.ConsecutiveFailures = 0;
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<int> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var changed = false;
        foreach (var provider in Providers.Values.ToList())
        {
            var adapter = _adapters.For(provider.Kind);
            var report = adapter is null
                ? new ProviderHealthReport(false, $"no adapter for kind '{provider.Kind}' on this node")
                : await adapter.CheckHealthAsync(provider, cancellationToken).ConfigureAwait(true);
            ProviderRecord? update = null;
            if (!report.Healthy && provider.Health != ProviderHealth.Down && !IsFrom(provider, OperatorPrefix))
            {
                update = provider with { Health = ProviderHealth.Down, HealthReason = CheckPrefix + report.Reason };
            }
            else if (report.Healthy && IsFrom(provider, CheckPrefix))
            {
                update = provider with { Health = ProviderHealth.Healthy, HealthReason = null };
            }

            if (update is not null)
            {
                Stage(update);
                changed = true;
                LogHealthChecked(provider.ProviderId, update.Health, update.HealthReason);
            }
        }

        if (changed)
        {
            await WriteAndPublishAsync(cancellationToken).ConfigureAwait(true);
        }

        return Providers.Values.Count(p => p.Health == ProviderHealth.Down);
    }

    /// <inheritdoc />
    public Task<RegistrySnapshot> SubscribeAsync(IRegistryObserver observer, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _copies[observer] = TimeProvider.System.GetUtcNow() + lease;
        return Task.FromResult(Snapshot());
    }

    private RegistrySnapshot Snapshot() => new() { Version = _state.State.Version, Providers = Ordered(Providers.Values) };

    private static List<ProviderRecord> Ordered(IEnumerable<ProviderRecord> providers) =>
        [.. providers.OrderBy(p => p.Capability, StringComparer.Ordinal).ThenBy(p => p.ProviderId, StringComparer.Ordinal)];

    private static ProviderRecord WithSample(ProviderRecord provider, bool success, double latencyMs) => provider with
    {
        LatencyEwmaMs = provider.LatencyEwmaMs == 0 ? latencyMs : (LatencyAlpha * latencyMs) + ((1 - LatencyAlpha) * provider.LatencyEwmaMs),
        ErrorRate = (ErrorAlpha * (success ? 0 : 1)) + ((1 - ErrorAlpha) * provider.ErrorRate),
    };

    private static bool IsFrom(ProviderRecord provider, string prefix) =>
        provider.HealthReason?.StartsWith(prefix, StringComparison.Ordinal) == true;

    /// <summary>Puts a changed provider into the state under the version the next write gives the registry.</summary>
    private ProviderRecord Stage(ProviderRecord record)
    {
        var staged = record with { Version = _state.State.Version + 1 };
        Providers[staged.ProviderId] = staged;
        return staged;
    }

    /// <summary>Puts one provider into the state (a changed price into its history), writes it, tells the copies.</summary>
    private async Task<ProviderRecord> SaveAsync(ProviderRecord record, bool priceChanged, CancellationToken cancellationToken)
    {
        var stored = Stage(record);
        if (priceChanged)
        {
            if (!_state.State.PriceHistory.TryGetValue(stored.ProviderId, out var history))
            {
                _state.State.PriceHistory[stored.ProviderId] = history = [];
            }

            history.Add(new PriceChange { ProviderId = stored.ProviderId, CostModel = stored.CostModel, ChangedAt = stored.PriceUpdatedAt });
        }

        await WriteAndPublishAsync(cancellationToken).ConfigureAwait(true);
        return stored;
    }

    /// <summary>
    /// Writes the state under its ETag, then sends the new snapshot to every live copy and waits for them. A write
    /// refused for a stale ETag means another activation wrote since: this one reloads what is stored and the caller
    /// gets the error (its change did not land).
    /// </summary>
    private async Task WriteAndPublishAsync(CancellationToken cancellationToken)
    {
        _state.State.Version++;
        try
        {
            await _state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
        }
        catch (InconsistentStateException)
        {
            await _state.ReadStateAsync(cancellationToken).ConfigureAwait(true);
            throw;
        }

        var snapshot = Snapshot();
        var now = TimeProvider.System.GetUtcNow();
        var live = _copies.Where(c => c.Value > now).Select(c => c.Key).ToList();
        foreach (var lapsed in _copies.Keys.Except(live).ToList())
        {
            _copies.Remove(lapsed);
        }

        var sends = live.Select(async copy =>
        {
            try
            {
                await copy.OnChangedAsync(snapshot).WaitAsync(PublishTimeout, cancellationToken).ConfigureAwait(true);
                return null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogCopyDropped(ex.GetType().Name);
                return copy;
            }
        });
        foreach (var failed in await Task.WhenAll(sends).ConfigureAwait(true))
        {
            if (failed is not null)
            {
                _copies.Remove(failed);
            }
        }
    }

    private async Task ImportLegacyRowsAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in await _legacy.GetProvidersAsync(cancellationToken).ConfigureAwait(true))
        {
            Providers[provider.ProviderId] = provider;
            var history = await _legacy.GetPriceHistoryAsync(provider.ProviderId, cancellationToken).ConfigureAwait(true);
            if (history.Count > 0)
            {
                _state.State.PriceHistory[provider.ProviderId] = [.. history];
            }
        }

        _state.State.Imported = true;
        await WriteAndPublishAsync(cancellationToken).ConfigureAwait(true);
    }

    private async Task HalfOpenExpiredBreakersAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var (providerId, breaker) in _breakers.ToList())
        {
            if (breaker.OpenUntil is { } until && until <= now && Providers.TryGetValue(providerId, out var p) && p.Health == ProviderHealth.Down && IsFrom(p, BreakerPrefix))
            {
                breaker.OpenUntil = null;
                await SaveAsync(p with { Health = ProviderHealth.Degraded, HealthReason = BreakerPrefix + "half-open after cooldown" }, priceChanged: false, cancellationToken)
                    .ConfigureAwait(true);
            }
        }
    }

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.ProviderCircuitOpened, Level = LogLevel.Warning, Message = "Provider {ProviderId} marked down after {Failures} consecutive failures")]
    private partial void LogBreakerOpened(string providerId, int failures);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.ProviderHealthChecked, Level = LogLevel.Information, Message = "Provider {ProviderId} is now {Health}: {Reason}")]
    private partial void LogHealthChecked(string providerId, ProviderHealth health, string? reason);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.PriceChanged, Level = LogLevel.Information, Message = "Price of provider {ProviderId} changed")]
    private partial void LogPriceChanged(string providerId);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RegistryCopyDropped, Level = LogLevel.Information, Message = "A silo's registry copy did not take a change ({Error}); it is dropped until it subscribes again")]
    private partial void LogCopyDropped(string error);

    private sealed class Breaker
    {
        public int ConsecutiveFailures { get; set; }

        public DateTimeOffset? OpenUntil { get; set; }
    }
}
