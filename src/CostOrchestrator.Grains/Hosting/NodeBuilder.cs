using CostOrchestrator.Grains.Configuration;
using CostOrchestrator.Providers;
using CostOrchestrator.Runtime.Grains;
using CostOrchestrator.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CostOrchestrator.Grains.Hosting;

/// <summary>Everything needed to start a node; defaults give an embedded node on ./data.</summary>
public sealed record NodeBuilder
{
    /// <summary>Node settings.</summary>
    public NodeOptions Options { get; init; } = new();

    /// <summary>Creates the store. Default: SQLite in the data directory.</summary>
    public Func<NodeOptions, ICostOrchestratorStore>? StoreFactory { get; init; }

    /// <summary>The clock. Default: the system clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Logging. Default: none.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Adapters; kinds not given get the built-in ones (simulated, command).</summary>
    public IReadOnlyList<IProviderAdapter> Adapters { get; init; } = [];

    /// <summary>Seeds an empty store: registry, budgets, pipelines.</summary>
    public NodeProfile? Seed { get; init; }

    /// <summary>Grain runtime settings.</summary>
    public GrainRuntimeOptions Runtime { get; init; } = new();
}
