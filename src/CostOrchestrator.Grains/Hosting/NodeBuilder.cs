using CostOrchestrator.Grains.Configuration;
using CostOrchestrator.Providers;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Hosting;

/// <summary>Everything needed to start a node; defaults give an embedded node on ./data.</summary>
public sealed record NodeBuilder
{
    /// <summary>Node settings.</summary>
    public NodeOptions Options { get; init; } = new();

    /// <summary>How the silo clusters. Default: one localhost silo.</summary>
    public SiloSettings Silo { get; init; } = new();

    /// <summary>
    /// Creates the store, which the node then owns (it is disposed with the host). Default: PostgreSQL when
    /// <see cref="SiloSettings.PostgresConnectionString"/> is set, else SQLite in the data directory.
    /// </summary>
    public Func<NodeOptions, ICostOrchestratorStore>? StoreFactory { get; init; }

    /// <summary>The domain clock (windows, TTLs, cache expiry). Default: the system clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Adapters; kinds not given get the built-in ones.</summary>
    public IReadOnlyList<IProviderAdapter> Adapters { get; init; } = [];

    /// <summary>Further Orleans settings (membership probe timings, say), applied after the node's own. Default: none.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; init; }

    /// <summary>Seeds an empty store: registry, budgets, pipelines.</summary>
    public NodeProfile? Seed { get; init; }
}
