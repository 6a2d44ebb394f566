using CostOrchestrator.Tests.Common;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Grains.Hosting;

namespace CostOrchestrator.Server.Tests;

internal static class NodeExtensions
{
    public static Task<ScopeBudget> BudgetAsyncOf(this CostOrchestratorNode node, string scope) =>
        node.Grains.GetGrain<IBudgetGovernorGrain>(scope).GetBudgetAsync(TestContext.Current.CancellationToken);

    public static Task<ScopeBudget> BudgetAsyncOf(this RunningNode node, string scope) =>
        node.Grains.GetGrain<IBudgetGovernorGrain>(scope).GetBudgetAsync(TestContext.Current.CancellationToken);
}
