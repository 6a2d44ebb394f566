using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Grains.Pipelines;
using CostOrchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Hosting;

/// <summary>
/// The node's part of the silo's start: migrate the store before Orleans reads its tables (membership, reminders),
/// and once the silo is active seed an empty store, run the providers' health checks and activate every run left
/// running (activation continues a run from its journal).
/// </summary>
public sealed partial class NodeStartup(
    ICostOrchestratorStore store,
    IGrainFactory grains,
    PipelineService pipelines,
    NodeSeed seed,
    NodeOptions options,
    [FromKeyedServices(NodeClock.Key)] TimeProvider time,
    ILogger<NodeStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);

        // Before RuntimeInitialize, where Orleans' membership and reminder tables are first read.
        lifecycle.Subscribe(nameof(NodeStartup), ServiceLifecycleStage.RuntimeInitialize - 1, store.InitializeAsync);
        lifecycle.Subscribe(nameof(NodeStartup), ServiceLifecycleStage.Active, OnActiveAsync);
    }

    private async Task OnActiveAsync(CancellationToken cancellationToken)
    {
        if (seed.Profile is not null)
        {
            await SeedAsync(seed.Profile, cancellationToken).ConfigureAwait(false);
        }

        await grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey).CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        await ActivateRunningRunsAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(options.NodeId, store.Backend);
    }

    // A run's grain continues it on activation; a run already executing on another silo is just read there.
    private async Task ActivateRunningRunsAsync(CancellationToken cancellationToken)
    {
        foreach (var status in new[] { RunStatus.Running, RunStatus.Pending })
        {
            var runs = await store.ListRunsAsync(new RunQuery { Status = status, Limit = 1000 }, cancellationToken).ConfigureAwait(false);
            foreach (var run in runs)
            {
                await grains.GetGrain<IPipelineRunGrain>(run.RunId).GetAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task SeedAsync(Configuration.NodeProfile profile, CancellationToken cancellationToken)
    {
        if (await store.GetMetaAsync("seeded", cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var registry = grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
        foreach (var provider in profile.LoadRegistry()?.Providers ?? [])
        {
            await registry.UpsertProviderAsync(provider, cancellationToken).ConfigureAwait(false);
        }

        foreach (var policy in profile.LoadBudgets()?.Policies() ?? [])
        {
            await grains.GetGrain<IBudgetGovernorGrain>(policy.Scope).SetPolicyAsync(policy, cancellationToken).ConfigureAwait(false);
        }

        var capabilities = await pipelines.CapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var pipeline in profile.LoadPipelines(capabilities))
        {
            await pipelines.SaveAsync(pipeline, cancellationToken).ConfigureAwait(false);
        }

        await store.TrySetMetaAsync("seeded", time.GetUtcNow().ToString("O"), cancellationToken).ConfigureAwait(false);
        LogSeeded(profile.BaseDirectory);
    }

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.NodeStarted, Level = LogLevel.Information, Message = "Node {NodeId} started on the {Backend} store")]
    private partial void LogStarted(string nodeId, string backend);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.StoreSeeded, Level = LogLevel.Information, Message = "Empty store seeded from {Profile}")]
    private partial void LogSeeded(string profile);
}
