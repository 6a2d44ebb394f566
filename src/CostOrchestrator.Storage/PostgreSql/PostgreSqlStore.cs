using CostOrchestrator.Storage;
using CostOrchestrator.Storage.Common;
using Npgsql;

namespace CostOrchestrator.Storage.PostgreSql;

/// <summary>
/// The cluster store: any number of nodes on one PostgreSQL database. Every change other nodes can race on
/// is one transaction of conditional writes; rows are locked in a fixed order so concurrent transactions
/// cannot deadlock. One <see cref="NpgsqlDataSource"/> (one connection pool) per store.
/// </summary>
public sealed partial class PostgreSqlStore : ICostOrchestratorStore
{
    // Held (transaction-scoped) while migrating, so nodes starting together apply each migration once:
    // the second waits, then finds the versions recorded. The bytes spell "CostOrch".
    private const long MigrationLockKey = 0x436F73744F726368;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string? _schema;

    /// <summary>
    /// A store on <paramref name="connectionString"/>. With <paramref name="schema"/> (or a connection string whose
    /// <c>Search Path</c> names one schema), every connection uses that schema and <see cref="InitializeAsync"/>
    /// creates it when absent.
    /// </summary>
    public PostgreSqlStore(string connectionString, string? schema = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        if (schema is not null)
        {
            connectionString = ConnectionStringFor(connectionString, schema);
        }
        else if (new NpgsqlConnectionStringBuilder(connectionString).SearchPath is { Length: > 0 } path && !path.Contains(',', StringComparison.Ordinal))
        {
            schema = path.Length > 1 && path[0] == '"' && path[^1] == '"' ? path[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : path;
        }

        _schema = schema;
        ConnectionString = new NpgsqlConnectionStringBuilder(connectionString).ConnectionString;
        _dataSource = new NpgsqlDataSourceBuilder(ConnectionString).Build();
    }

    /// <summary>
    /// The connection string every connection uses, schema included: Orleans' ADO.NET providers get the same one, so
    /// their tables live beside ours.
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>
    /// <paramref name="connectionString"/> with its search path set to <paramref name="schema"/> alone: what a store
    /// created with that schema connects with, and what Orleans' ADO.NET providers get so their tables live beside ours.
    /// </summary>
    public static string ConnectionStringFor(string connectionString, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        return new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = QuoteIdentifier(schema) }.ConnectionString;
    }

    /// <summary>The schema every connection uses, or null for the connection string's default.</summary>
    public string? Schema => _schema;

    /// <inheritdoc />
    public string Backend => "postgres";

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(tx, "SELECT pg_advisory_xact_lock(@k)", cancellationToken, Bigint("k", MigrationLockKey)).ConfigureAwait(false);

        // Under the lock: concurrent CREATE SCHEMA IF NOT EXISTS can otherwise fail on the catalogue's unique index.
        if (_schema is not null)
        {
            await ExecuteAsync(tx, $"CREATE SCHEMA IF NOT EXISTS {QuoteIdentifier(_schema)}", cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(tx, "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken).ConfigureAwait(false);
        var applied = (await QueryAsync(tx, "SELECT version FROM schema_version", r => r.GetInt32(0), cancellationToken).ConfigureAwait(false)).ToHashSet();
        foreach (var (version, sql) in EmbeddedMigrations.Load("PostgreSql").Where(m => !applied.Contains(m.Version)))
        {
            await ExecuteAsync(tx, sql, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(tx, "INSERT INTO schema_version (version) VALUES (@v)", cancellationToken, Int("v", version)).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT value FROM meta WHERE key = @k", r => r.GetString(0), cancellationToken, Text("k", key)).ConfigureAwait(false))
        .FirstOrDefault();

    /// <inheritdoc />
    public async Task<bool> TrySetMetaAsync(string key, string value, CancellationToken cancellationToken) =>
        await ExecuteAsync("INSERT INTO meta (key, value) VALUES (@k, @v) ON CONFLICT (key) DO NOTHING", cancellationToken,
            Text("k", key), Text("v", value)).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
