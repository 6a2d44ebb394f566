using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Grains.Configuration;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Providers;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

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
        Func<NodeOptions, NodeOptions>? configure = null,
        string? nodeId = null,
        CancellationToken cancellationToken = default,
        IProviderAdapter? adapter = null)
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
            Silo = new SiloSettings { PostgresConnectionString = PostgresUnderTest(dataDirectory) },
            Adapters = (adapter ?? simulated) is { } given ? [given] : [],
        }, logging: null, cancellationToken);
    }

    /// <summary>
    /// The store engine tests run on: SQLite in the data directory by default (null); PostgreSQL when
    /// <c>COSTORCH_TEST_BACKEND=postgres</c> (test.sh runs the engine suite both ways): the node's store and Orleans'
    /// reminders in a schema derived from the data directory, so a "restart on the same data directory" finds its
    /// data again.
    /// </summary>
    public static string? PostgresUnderTest(string dataDirectory)
    {
        if (Environment.GetEnvironmentVariable("COSTORCH_TEST_BACKEND") != "postgres")
        {
            return null;
        }

        var connectionString = PostgreSqlServer.RequireAsync().GetAwaiter().GetResult();
        var schema = "engine_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..16];
        return Storage.PostgreSql.PostgreSqlStore.ConnectionStringFor(connectionString, schema);
    }

    /// <summary>
    /// Delivers every stored reminder to its grain now, as Orleans' reminder service would when each falls due
    /// (Orleans' reminders run on the real clock; a test that moves the domain clock delivers them itself). A grain
    /// decides from the domain clock whether anything is due. Returns how many were delivered.
    /// </summary>
    public static async Task<int> DeliverRemindersAsync(this CostOrchestratorNode node)
    {
        // A range whose begin equals its end wraps around the whole hash ring: every reminder.
        var rows = await node.Services.GetRequiredService<IReminderTable>().ReadRows(0u, 0u, TestContext.Current.CancellationToken);
        foreach (var row in rows.Reminders)
        {
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            await node.Grains.GetGrain<IRemindable>(row.GrainId).ReceiveReminder(row.ReminderName, new TickStatus(row.StartAt, row.Period, now), TestContext.Current.CancellationToken);
        }

        return rows.Reminders.Count;
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
