using CostOrchestrator.Storage;
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
