using CostOrchestrator.Storage;
using CostOrchestrator.Storage.Common;
using Microsoft.Data.Sqlite;

namespace CostOrchestrator.Storage.Sqlite;

/// <summary>
/// The embedded single-node store: one SQLite file in the data directory. SQLite admits one writer,
/// so the store keeps one connection and runs one operation at a time behind an async gate; every
/// multi-row change is one <c>BEGIN IMMEDIATE</c> transaction.
/// </summary>
public sealed partial class SqliteStore : ICostOrchestratorStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteConnection _connection;

    /// <summary>Opens (creating if needed) the database file at <paramref name="path"/>.</summary>
    public SqliteStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        DatabasePath = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public string Backend => "sqlite";

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // WAL keeps readers of other processes (the CLI next to a node) from blocking the writer; FULL sync
            // because an approved reservation must survive a crash.
            await ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);", cancellationToken).ConfigureAwait(false);
            var applied = new HashSet<long>();
            await using (var read = Command("SELECT version FROM schema_version"))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied.Add(reader.GetInt64(0));
                }
            }

            foreach (var (version, sql) in EmbeddedMigrations.Load("Sqlite").Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(sql, cancellationToken, tx).ConfigureAwait(false);
                await using (var record = Command("INSERT INTO schema_version (version, applied_at) VALUES ($v, $t)", tx))
                {
                    record.Parameters.AddWithValue("$v", version);
                    record.Parameters.AddWithValue("$t", StoreTime.ToMicros(DateTimeOffset.UtcNow));
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken) =>
        LockedAsync(async ct =>
        {
            await using var cmd = Command("SELECT value FROM meta WHERE key = $k", null, ("$k", key));
            return (string?)await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TrySetMetaAsync(string key, string value, CancellationToken cancellationToken) =>
        LockedAsync(async ct =>
        {
            await using var cmd = Command("INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT (key) DO NOTHING", null, ("$k", key), ("$v", value));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        _gate.Dispose();
    }

    internal async Task<T> LockedAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    // One write transaction; SQLite's IMMEDIATE takes the write lock up front so a read-then-write cannot be overtaken.
    private Task<T> TransactionAsync<T>(Func<SqliteTransaction, CancellationToken, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken) =>
        LockedAsync(async ct =>
        {
            await using var tx = _connection.BeginTransaction(deferred: false);
            var (result, commit) = await work(tx, ct).ConfigureAwait(false);
            if (commit)
            {
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
            else
            {
                await tx.RollbackAsync(ct).ConfigureAwait(false);
            }

            return result;
        }, cancellationToken);

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, SqliteTransaction? tx = null)
    {
        await using var cmd = Command(sql, tx);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task<int> ExecuteAsync(SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(sql, tx, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task<List<T>> QueryAsync<T>(SqliteTransaction? tx, string sql, Func<SqliteDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(sql, tx, parameters);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(map(reader));
        }

        return list;
    }
}
