using System.Collections.Concurrent;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Registry;

/// <summary>
/// This silo's side of the subscriptions' monthly quotas. Each call to a provider with a quota asks the provider's
/// <see cref="IProviderQuotaGrain"/> for room and says how it ended; the uses each answer reports are kept here, so routing
/// drops a provider whose quota is used up without asking anyone (no grain call, no query per invocation). A month's uses
/// only grow, so what is kept here is never above the truth: when it is behind, a call reaches the grain, which refuses it,
/// and the answer brings this silo up to date. A new month starts with nothing heard.
/// </summary>
public sealed partial class ProviderQuotas
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;
    private readonly ILogger<ProviderQuotas> _logger;
    private readonly ConcurrentDictionary<string, QuotaUsage> _heard = new(StringComparer.Ordinal);

    /// <summary>Created once per silo by the container.</summary>
    public ProviderQuotas(IGrainFactory grains, [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options, ILogger<ProviderQuotas> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _grains = grains;
        _time = time;
        _zone = options.TimeZone;
        _logger = logger;
    }

    /// <summary>
    /// The uses this month last heard of, for the providers with a quota among <paramref name="providers"/>. Calls in flight
    /// are left out: they may still fail and give their room back, and nothing here would hear of it.
    /// </summary>
    public IReadOnlyDictionary<string, QuotaUsage> Heard(IEnumerable<ProviderRecord> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var month = MonthlyQuota.MonthOf(_time.GetUtcNow(), _zone);
        var heard = new Dictionary<string, QuotaUsage>(StringComparer.Ordinal);
        foreach (var provider in providers)
        {
            if (MonthlyQuota.Of(provider) is not null && _heard.TryGetValue(provider.ProviderId, out var usage) && usage.MonthStart == month)
            {
                heard[provider.ProviderId] = usage with { InFlight = 0 };
            }
        }

        return heard;
    }

    /// <summary>Asks for room in <paramref name="provider"/>'s quota for the call under the pending reservation <paramref name="reservationId"/>.</summary>
    public async Task<QuotaAdmission> AdmitAsync(ProviderRecord provider, int monthlyQuota, string reservationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var admission = await Grain(provider.ProviderId).AdmitAsync(reservationId, monthlyQuota, cancellationToken).ConfigureAwait(false);
        Hear(provider.ProviderId, admission.Usage);
        return admission;
    }

    /// <summary>
    /// Tells the quota how an admitted call ended: a use when <paramref name="used"/> (committed), its room back otherwise.
    /// Called once the commit or release is written; a report that does not arrive leaves the call's outcome as it is.
    /// </summary>
    public async Task CompleteAsync(ProviderRecord provider, string reservationId, bool used, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        try
        {
            Hear(provider.ProviderId, await Grain(provider.ProviderId).CompleteAsync(reservationId, used, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The call is written either way; the quota grain looks the reservation up in the store when nobody reports it.
            LogReportFailed(provider.ProviderId, reservationId, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.QuotaReportFailed, Level = LogLevel.Warning,
        Message = "The end of call {ReservationId} to {ProviderId} did not reach its quota grain ({Error}: {Message}); the grain will look it up in the store")]
    private partial void LogReportFailed(string providerId, string reservationId, string error, string message);

    private IProviderQuotaGrain Grain(string providerId) => _grains.GetGrain<IProviderQuotaGrain>(providerId);

    // Keeps the newest month's highest count: answers may arrive out of order, and a month's uses never go down.
    private void Hear(string providerId, QuotaUsage usage) =>
        _heard.AddOrUpdate(providerId, usage, (_, known) =>
            known.MonthStart > usage.MonthStart || (known.MonthStart == usage.MonthStart && known.Used >= usage.Used) ? known : usage);
}
