using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Storage;
using CostOrchestrator.Storage.Common;
using CostOrchestrator.Storage.Sqlite;
using CostOrchestrator.Tests.Common;
using Microsoft.Data.Sqlite;

namespace CostOrchestrator.Storage.Tests;

/// <summary>The store contract on SQLite, in a temp file per test.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly TempDirectory _dir = new();

    protected override Task<ICostOrchestratorStore> CreateStoreAsync() =>
        Task.FromResult<ICostOrchestratorStore>(new SqliteStore(_dir.File("store.db")));

    protected override async Task InsertLegacyProviderAsync(ProviderRecord provider, IReadOnlyList<PriceChange> history)
    {
        await using var connection = new SqliteConnection($"Data Source={_dir.File("store.db")}");
        await connection.OpenAsync();
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO providers (provider_id, capability, version, record) VALUES ($id, $cap, 1, $r)";
        insert.Parameters.AddWithValue("$id", provider.ProviderId);
        insert.Parameters.AddWithValue("$cap", provider.Capability);
        insert.Parameters.AddWithValue("$r", StoreJson.Write(provider));
        await insert.ExecuteNonQueryAsync();
        foreach (var change in history)
        {
            await using var price = connection.CreateCommand();
            price.CommandText = "INSERT INTO price_history (provider_id, changed_at, cost_model) VALUES ($id, $t, $m)";
            price.Parameters.AddWithValue("$id", change.ProviderId);
            price.Parameters.AddWithValue("$t", StoreTime.ToMicros(change.ChangedAt));
            price.Parameters.AddWithValue("$m", StoreJson.Write(change.CostModel));
            await price.ExecuteNonQueryAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }
}
