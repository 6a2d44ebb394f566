using Microsoft.Extensions.DependencyInjection;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Providers;
using CostOrchestrator.Storage;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Registry;

/// <summary>
/// Prices and health of every provider: one activation in the cluster (Orleans places it), so the circuit breaker,
/// latency EWMA and error rate see every node's calls. Records are written through the store and persisted with
/// health changes; a price change routes the next call on every node.
/// </summary>
public sealed partial class CapabilityRegistryGrain : Grain, ICapabilityRegistryGrain
{
    private const string OperatorPrefix = "operator: ";
    private const string CheckPrefix = "check: ";
    private const string BreakerPrefix = "breaker: ";
    private const double LatencyAlpha = 0.2;
    private const double ErrorAlpha = 0.1;

    private readonly ICostOrchestratorStore _store;
    private readonly ProviderAdapters _adapters;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;
    private readonly ILogger<CapabilityRegistryGrain> _logger;
    private readonly Dictionary<string, Breaker> _breakers = new(StringComparer.Ordinal);
    private Dictionary<string, ProviderRecord> _providers = new(StringComparer.Ordinal);
    private long _version = -1;
    private DateTimeOffset _checkedVersionAt;

    /// <summary>Created by the grain runtime.</summary>
    public CapabilityRegistryGrain(ICostOrchestratorStore store, ProviderAdapters adapters, [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options, ILogger<CapabilityRegistryGrain> logger)
    {
        _store = store;
        _adapters = adapters;
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken) => RefreshAsync(force: true, cancellationToken);


    /// <inheritdoc />
    public async Task<IReadOnlyList<ProviderRecord>> GetProvidersAsync(string? capability = null, CancellationToken cancellationToken = default)
    {
        await RefreshAsync(force: false, cancellationToken).ConfigureAwait(true);
        await HalfOpenExpiredBreakersAsync(cancellationToken).ConfigureAwait(true);
        return _providers.Values
            .Where(p => capability is null || p.Capability == capability)
            .OrderBy(p => p.Capability, StringComparer.Ordinal)
            .ThenBy(p => p.ProviderId, StringComparer.Ordinal)
            .ToList();
    }

    /// <inheritdoc />
    public async Task<ProviderRecord?> GetProviderAsync(string providerId, CancellationToken cancellationToken = default)
    {
        await RefreshAsync(force: false, cancellationToken).ConfigureAwait(true);
        return _providers.GetValueOrDefault(providerId);
    }

    /// <inheritdoc />
    public async Task<ProviderRecord> UpsertProviderAsync(ProviderRecord provider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var errors = ProviderValidator.Validate(provider);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(provider));
        }

        await RefreshAsync(force: true, cancellationToken).ConfigureAwait(true);
        var now = _time.GetUtcNow();
        var existing = _providers.GetValueOrDefault(provider.ProviderId);
        var priceChanged = existing is null || existing.CostModel != provider.CostModel;
        var record = provider with
        {
            PriceUpdatedAt = priceChanged ? (provider.PriceUpdatedAt == default ? now : provider.PriceUpdatedAt) : existing!.PriceUpdatedAt,
            LatencyEwmaMs = existing?.LatencyEwmaMs ?? provider.LatencyEwmaMs,
            ErrorRate = existing?.ErrorRate ?? provider.ErrorRate,
        };
        var change = priceChanged ? new PriceChange { ProviderId = record.ProviderId, CostModel = record.CostModel, ChangedAt = record.PriceUpdatedAt } : null;
        var stored = await _store.UpsertProviderAsync(record, change, cancellationToken).ConfigureAwait(true);
        _providers[stored.ProviderId] = stored;
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
        await RefreshAsync(force: true, cancellationToken).ConfigureAwait(true);
        if (!_providers.TryGetValue(providerId, out var existing))
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

        var change = update.CostModel is null ? null : new PriceChange { ProviderId = providerId, CostModel = record.CostModel, ChangedAt = record.PriceUpdatedAt };
        var stored = await _store.UpsertProviderAsync(record, change, cancellationToken).ConfigureAwait(true);
        _providers[providerId] = stored;
        return stored;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteProviderAsync(string providerId, CancellationToken cancellationToken = default)
    {
        var deleted = await _store.DeleteProviderAsync(providerId, cancellationToken).ConfigureAwait(true);
        _providers.Remove(providerId);
        _breakers.Remove(providerId);
        return deleted;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PriceChange>> GetPriceHistoryAsync(string providerId, CancellationToken cancellationToken = default) =>
        _store.GetPriceHistoryAsync(providerId, cancellationToken);

    /// <inheritdoc />
    public async Task ReportOutcomeAsync(string providerId, bool success, double latencyMs, CancellationToken cancellationToken = default)
    {
        if (!_providers.TryGetValue(providerId, out var provider))
        {
            return;
        }

        var updated = provider with
        {
            LatencyEwmaMs = provider.LatencyEwmaMs == 0 ? latencyMs : (LatencyAlpha * latencyMs) + ((1 - LatencyAlpha) * provider.LatencyEwmaMs),
            ErrorRate = (ErrorAlpha * (success ? 0 : 1)) + ((1 - ErrorAlpha) * provider.ErrorRate),
        };

        var breaker = _breakers.TryGetValue(providerId, out var b) ? b : new Breaker();
        var persist = false;
        if (success)
        {
            breaker.ConsecutiveFailures = 0;
            if (IsFrom(provider, BreakerPrefix))
            {
                updated = updated with { Health = ProviderHealth.Healthy, HealthReason = null };
                persist = true;
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
                persist = provider.Health != ProviderHealth.Down;
                LogBreakerOpened(providerId, breaker.ConsecutiveFailures);
            }
        }

        _breakers[providerId] = breaker;
        _providers[providerId] = persist ? await _store.UpsertProviderAsync(updated, null, cancellationToken).ConfigureAwait(true) : updated;
    }

    /// <inheritdoc />
    public async Task<int> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        await RefreshAsync(force: true, cancellationToken).ConfigureAwait(true);
        var down = 0;
        foreach (var provider in _providers.Values.ToList())
        {
            var adapter = _adapters.For(provider.Kind);
            var report = adapter is null
                ? new ProviderHealthReport(false, $"no adapter for kind '{provider.Kind}' on this node")
                : await adapter.CheckHealthAsync(provider, cancellationToken).ConfigureAwait(true);
            ProviderRecord? changed = null;
            if (!report.Healthy && provider.Health != ProviderHealth.Down && !IsFrom(provider, OperatorPrefix))
            {
                changed = provider with { Health = ProviderHealth.Down, HealthReason = CheckPrefix + report.Reason };
            }
            else if (report.Healthy && IsFrom(provider, CheckPrefix))
            {
                changed = provider with { Health = ProviderHealth.Healthy, HealthReason = null };
            }

            if (changed is not null)
            {
                _providers[provider.ProviderId] = await _store.UpsertProviderAsync(changed, null, cancellationToken).ConfigureAwait(true);
                LogHealthChecked(provider.ProviderId, changed.Health, changed.HealthReason);
            }

            if (_providers[provider.ProviderId].Health == ProviderHealth.Down)
            {
                down++;
            }
        }

        return down;
    }

    private static bool IsFrom(ProviderRecord provider, string prefix) =>
        provider.HealthReason?.StartsWith(prefix, StringComparison.Ordinal) == true;

    // After the cooldown an open breaker lets trial calls through: the provider is routable again as degraded.
    private async Task HalfOpenExpiredBreakersAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var (providerId, breaker) in _breakers)
        {
            if (breaker.OpenUntil is { } until && until <= now && _providers.TryGetValue(providerId, out var p) && p.Health == ProviderHealth.Down && IsFrom(p, BreakerPrefix))
            {
                breaker.OpenUntil = null;
                var halfOpen = p with { Health = ProviderHealth.Degraded, HealthReason = BreakerPrefix + "half-open after cooldown" };
                _providers[providerId] = await _store.UpsertProviderAsync(halfOpen, null, cancellationToken).ConfigureAwait(true);
            }
        }
    }

    private async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (!force && now - _checkedVersionAt < _options.RefreshInterval)
        {
            return;
        }

        _checkedVersionAt = now;
        var version = await _store.GetRegistryVersionAsync(cancellationToken).ConfigureAwait(true);
        if (version == _version)
        {
            return;
        }

        var stored = await _store.GetProvidersAsync(cancellationToken).ConfigureAwait(true);
        var previous = _providers;
        _providers = stored.ToDictionary(
            p => p.ProviderId,
            p => previous.TryGetValue(p.ProviderId, out var known) ? p with { LatencyEwmaMs = known.LatencyEwmaMs, ErrorRate = known.ErrorRate } : p,
            StringComparer.Ordinal);
        _version = version;
    }

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.ProviderCircuitOpened, Level = LogLevel.Warning, Message = "Provider {ProviderId} marked down after {Failures} consecutive failures")]
    private partial void LogBreakerOpened(string providerId, int failures);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.ProviderHealthChecked, Level = LogLevel.Information, Message = "Provider {ProviderId} is now {Health}: {Reason}")]
    private partial void LogHealthChecked(string providerId, ProviderHealth health, string? reason);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.PriceChanged, Level = LogLevel.Information, Message = "Price of provider {ProviderId} changed")]
    private partial void LogPriceChanged(string providerId);

    private sealed class Breaker
    {
        public int ConsecutiveFailures { get; set; }

        public DateTimeOffset? OpenUntil { get; set; }
    }
}
