using CostOrchestrator.Tests.Common;
using CostOrchestrator.Storage.PostgreSql;
using Npgsql;

namespace CostOrchestrator.Storage.Tests.PostgreSql;

/// <summary>
/// One unique schema per test class (plus any extra schemas a test asks for), dropped when the class is done.
/// Each store made here is a separate data source: a separate "node" on the same database.
/// </summary>
public sealed class PostgreSqlSchemaFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<PostgreSqlStore> _stores = [];
    private readonly List<string> _schemas = [];
    private string? _connectionString;
    private PostgreSqlStore? _store;

    /// <summary>The class's schema.</summary>
    public string Schema { get; } = NewSchemaName();

    /// <summary>The class's initialised store (the first node); skips or fails the test without a server.</summary>
    public async Task<PostgreSqlStore> StoreAsync()
    {
        var connectionString = await PostgreSqlServer.RequireAsync();
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_store is null)
            {
                _connectionString = connectionString;
                _schemas.Add(Schema);
                var store = Track(new PostgreSqlStore(connectionString, Schema));
                await store.InitializeAsync(TestContext.Current.CancellationToken);
                _store = store;
            }

            return _store;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Another node on the class's schema (already initialised by <see cref="StoreAsync"/>).</summary>
    public async Task<PostgreSqlStore> NodeAsync()
    {
        await StoreAsync();
        return Track(new PostgreSqlStore(_connectionString!, Schema));
    }

    /// <summary>A fresh, not yet created schema name, dropped with the fixture; the connection string to use with it.</summary>
    public async Task<(string ConnectionString, string Schema)> FreshSchemaAsync()
    {
        await StoreAsync();
        var schema = NewSchemaName();
        lock (_schemas)
        {
            _schemas.Add(schema);
        }

        return (_connectionString!, schema);
    }

    /// <summary>Disposes with the fixture.</summary>
    public PostgreSqlStore Track(PostgreSqlStore store)
    {
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }

    /// <summary>Runs a scalar query on a schema, outside any store.</summary>
    public async Task<T> ScalarAsync<T>(string schema, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { SearchPath = schema };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (T)(await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (_connectionString is not null)
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            foreach (var schema in _schemas)
            {
                await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }

        _gate.Dispose();
    }

    private static string NewSchemaName() => "costorch_test_" + Guid.NewGuid().ToString("N")[..16];
}
