using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Grains.Configuration;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Providers;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Runtime.Storage;

namespace CostOrchestrator.Tests.Common;

/// <summary>Starts nodes for tests: a temp data directory, an optional manual clock, no background loops.</summary>
public static class TestNode
{
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public static Task<CostOrchestratorNode> StartAsync(
        string dataDirectory,
        TimeProvider? time = null,
        NodeProfile? seed = null,
        SimulatedProviderAdapter? simulated = null,
        Func<NodeOptions, ICostOrchestratorStore>? store = null,
        Func<NodeOptions, NodeOptions>? configure = null,
        string? nodeId = null,
        CancellationToken cancellationToken = default)
    {
        var budgets = seed?.LoadBudgets();
        var options = new NodeOptions
        {
            NodeId = nodeId ?? "test-node",
            DataDirectory = dataDirectory,
            RunBackgroundLoops = false,
            PipelineRunLimits = budgets?.RunLimits() ?? new Dictionary<string, decimal>(),
        };
        options = configure?.Invoke(options) ?? options;
        return CostOrchestratorNode.StartAsync(new NodeBuilder
        {
            Options = options,
            Time = time ?? TimeProvider.System,
            Seed = seed,
            StoreFactory = store,
            Adapters = simulated is null ? [] : new IProviderAdapter[] { simulated },
        }, cancellationToken);
    }

    public static NodeProfile SampleProfile => NodeProfile.Load(RepositoryPaths.SampleProfile);

    public static async Task AddProvidersAsync(this CostOrchestratorNode node, params ProviderRecord[] providers)
    {
        var registry = node.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
        foreach (var provider in providers)
        {
            await registry.UpsertProviderAsync(provider);
        }
    }

    public static Task<ScopeBudget> SetDailyLimitAsync(this CostOrchestratorNode node, string scope, decimal limitCents, decimal overdraftCents = 0m) =>
        node.Grains.GetGrain<IBudgetGovernorGrain>(scope).SetPolicyAsync(new BudgetPolicy
        {
            Scope = scope,
            Windows = [new BudgetWindowLimit { Window = WindowKind.Day, LimitCents = limitCents }],
            OverdraftCents = overdraftCents,
        });

    public static Task<ScopeBudget> BudgetAsync(this CostOrchestratorNode node, string scope) =>
        node.Grains.GetGrain<IBudgetGovernorGrain>(scope).GetBudgetAsync();
}
