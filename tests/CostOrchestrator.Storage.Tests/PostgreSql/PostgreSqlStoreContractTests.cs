using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Storage;
using CostOrchestrator.Storage.Common;
using CostOrchestrator.Storage.PostgreSql;
using CostOrchestrator.Tests.Common;
using Npgsql;

namespace CostOrchestrator.Storage.Tests.PostgreSql;

/// <summary>The store contract on PostgreSQL, in a fresh schema per test (dropped afterwards).</summary>
public sealed class PostgreSqlStoreContractTests : StoreContractTests
{
    private readonly string _schema = "contract_" + Guid.NewGuid().ToString("N")[..12];
    private string? _connectionString;

    protected override async Task<ICostOrchestratorStore> CreateStoreAsync()
    {
        _connectionString = await PostgreSqlServer.RequireAsync();
        return new PostgreSqlStore(_connectionString, _schema);
    }

    protected override async Task InsertLegacyProviderAsync(ProviderRecord provider, IReadOnlyList<PriceChange> history)
    {
        await using var connection = new NpgsqlConnection(PostgreSqlStore.ConnectionStringFor(_connectionString!, _schema));
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO providers (provider_id, capability, version, record) VALUES (@id, @cap, 1, @r::json)", connection);
        insert.Parameters.AddWithValue("id", provider.ProviderId);
        insert.Parameters.AddWithValue("cap", provider.Capability);
        insert.Parameters.AddWithValue("r", StoreJson.Write(provider));
        await insert.ExecuteNonQueryAsync();
        foreach (var change in history)
        {
            await using var price = new NpgsqlCommand("INSERT INTO price_history (provider_id, changed_at, cost_model) VALUES (@id, @t, @m::jsonb)", connection);
            price.Parameters.AddWithValue("id", change.ProviderId);
            price.Parameters.AddWithValue("t", change.ChangedAt.UtcDateTime);
            price.Parameters.AddWithValue("m", StoreJson.Write(change.CostModel));
            await price.ExecuteNonQueryAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_connectionString is not null)
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
