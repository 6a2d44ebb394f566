namespace CostOrchestrator.Grains.Hosting;

/// <summary>
/// The clock of the domain (budget windows, TTLs, cache expiry, run wall time), registered as a keyed
/// <see cref="TimeProvider"/> so tests can move it by hand without moving Orleans' own clocks (membership
/// probes, activation collection), which resolve the unkeyed one.
/// </summary>
public static class NodeClock
{
    /// <summary>The service key: inject with <c>[FromKeyedServices(NodeClock.Key)] TimeProvider</c>.</summary>
    public const string Key = "CostOrchestrator.Domain";
}
