using Orleans.Concurrency;

namespace CostOrchestrator.Abstractions.Registry;

/// <summary>
/// The registry grain's side for the silos' copies (same grain and key as <see cref="ICapabilityRegistryGrain"/>):
/// a copy subscribes, gets the current snapshot, and is sent every later one until its subscription lapses.
/// </summary>
public interface IRegistryPublisherGrain : IGrainWithStringKey
{
    /// <summary>
    /// Subscribes (or renews) <paramref name="observer"/> and returns the current snapshot. A subscription not renewed
    /// within <paramref name="lease"/> is dropped, so a silo that died stops being sent to.
    /// </summary>
    Task<RegistrySnapshot> SubscribeAsync(IRegistryObserver observer, TimeSpan lease);

    /// <summary>
    /// Successful calls to providers that were healthy, batched by a silo: they move latency and error averages but
    /// cannot change a health state, so no caller waits for them.
    /// </summary>
    [OneWay]
    Task ReportSuccessesAsync(IReadOnlyList<ProviderLatency> successes);
}
