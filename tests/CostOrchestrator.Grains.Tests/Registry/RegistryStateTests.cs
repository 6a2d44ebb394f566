using System.Data.Common;
using System.Text.Json;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Storage;
using CostOrchestrator.Storage.PostgreSql;
using CostOrchestrator.Storage.Sqlite;
using CostOrchestrator.Tests.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CostOrchestrator.Grains.Tests.Registry;

/// <summary>The registry is the registry grain's persisted state; what nodes kept in tables before is carried over once.</summary>
public sealed class RegistryStateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ICapabilityRegistryGrain Registry(Grains.Hosting.CostOrchestratorNode node) =>
        node.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);

    [Fact]
    public async Task ProvidersInTheOldTables_AreImportedOnFirstActivation_ThenLiveAsGrainStateAcrossRestarts()
    {
        using var dir = new TempDirectory();
        var legacy = TestProviders.Fixed("legacy", "ai-video-generate", 7m) with { PriceUpdatedAt = TestNode.Start };
        await WriteLegacyRowsAsync(dir.Path, legacy, previousCents: 5m);

        await using (var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct))
        {
            var imported = await Registry(node).GetProviderAsync("legacy", Ct);
            Assert.Equal(7m, imported!.CostModel.CentsPerInvocation);
            Assert.Equal([5m, 7m], (await Registry(node).GetPriceHistoryAsync("legacy", Ct)).Select(h => h.CostModel.CentsPerInvocation!.Value));

            // Removed after the import: the removal is the grain's state now, and the old row does not come back.
            Assert.True(await Registry(node).DeleteProviderAsync("legacy", Ct));
            await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 6m));
        }

        await using (var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct))
        {
            var providers = await Registry(node).GetProvidersAsync("ai-video-generate", Ct);
            Assert.Equal(["fal"], providers.Select(p => p.ProviderId));
            Assert.Equal(6m, providers[0].CostModel.CentsPerInvocation);
        }
    }

    // The rows as a node before the move wrote them, into a store migrated but never started as a node.
    private static async Task WriteLegacyRowsAsync(string dataDirectory, ProviderRecord provider, decimal previousCents)
    {
        var postgres = TestNode.PostgresUnderTest(dataDirectory);
        await using (ICostOrchestratorStore store = postgres is null ? new SqliteStore(Path.Combine(dataDirectory, "costorch.db")) : new PostgreSqlStore(postgres))
        {
            await store.InitializeAsync(Ct);
        }

        await using DbConnection connection = postgres is null ? new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "costorch.db")}") : new NpgsqlConnection(postgres);
        await connection.OpenAsync(Ct);
        var cast = postgres is null ? ("", "") : ("::json", "::jsonb");
        var history = new[] { (At: TestNode.Start.AddDays(-1), Cents: previousCents), (At: TestNode.Start, Cents: provider.CostModel.CentsPerInvocation!.Value) };
        await ExecuteAsync(connection, $"INSERT INTO providers (provider_id, capability, version, record) VALUES (@id, @cap, 1, @r{cast.Item1})",
            ("id", provider.ProviderId), ("cap", provider.Capability), ("r", JsonSerializer.Serialize(provider, CostOrchestratorJson.Options)));
        foreach (var (at, cents) in history)
        {
            var model = JsonSerializer.Serialize(provider.CostModel with { CentsPerInvocation = cents }, CostOrchestratorJson.Options);
            await ExecuteAsync(connection, $"INSERT INTO price_history (provider_id, changed_at, cost_model) VALUES (@id, @t, @m{cast.Item2})",
                ("id", provider.ProviderId), ("t", postgres is null ? (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : at.UtcDateTime), ("m", model));
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync(Ct);
    }
}
