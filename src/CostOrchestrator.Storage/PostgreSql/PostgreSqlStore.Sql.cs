using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Storage.PostgreSql;

// Command plumbing: every statement is parameterised, every parameter typed (so NULLs and json are unambiguous).
public sealed partial class PostgreSqlStore
{
    private Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        TranslateAsync(async () =>
        {
            await using var cmd = _dataSource.CreateCommand(sql);
            cmd.Parameters.AddRange(parameters);
            return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });

    private static async Task<int> ExecuteAsync(NpgsqlTransaction tx, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var cmd = Command(tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        TranslateAsync(async () =>
        {
            await using var cmd = _dataSource.CreateCommand(sql);
            cmd.Parameters.AddRange(parameters);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await ReadAllAsync(reader, map, cancellationToken).ConfigureAwait(false);
        });

    private static async Task<List<T>> QueryAsync<T>(NpgsqlTransaction tx, string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var cmd = Command(tx, sql, parameters);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(reader, map, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(map(reader));
        }

        return list;
    }

    private static NpgsqlCommand Command(NpgsqlTransaction tx, string sql, params NpgsqlParameter[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, tx.Connection, tx);
        cmd.Parameters.AddRange(parameters);
        return cmd;
    }

    /// <summary>One transaction on one pooled connection; committed when <paramref name="work"/> says so, else rolled back.</summary>
    private Task<T> TransactionAsync<T>(Func<NpgsqlTransaction, CancellationToken, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken) =>
        TranslateAsync(() => RunTransactionAsync(work, cancellationToken));

    /// <summary>
    /// A dropped connection or a restarting server surfaces as <see cref="StoreUnavailableException"/>: one clear,
    /// retryable error for callers, whatever the socket said. A transaction cut off this way either committed
    /// (its acknowledgement was lost; commit and release are idempotent, so a retry is safe) or changed nothing.
    /// </summary>
    private static async Task<T> TranslateAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (ex.IsTransient)
        {
            throw new StoreUnavailableException($"PostgreSQL is unavailable, retry: {ex.Message}");
        }
    }

    private async Task<T> RunTransactionAsync<T>(Func<NpgsqlTransaction, CancellationToken, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var (result, commit) = await work(tx, cancellationToken).ConfigureAwait(false);
        if (commit)
        {
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static NpgsqlParameter Text(string name, string? value) => Typed(name, NpgsqlDbType.Text, value);

    private static NpgsqlParameter Bigint(string name, long? value) => Typed(name, NpgsqlDbType.Bigint, value);

    private static NpgsqlParameter Int(string name, int value) => Typed(name, NpgsqlDbType.Integer, value);

    private static NpgsqlParameter Bool(string name, bool value) => Typed(name, NpgsqlDbType.Boolean, value);

    /// <summary>Npgsql writes timestamptz only from UTC offsets; PostgreSQL keeps microseconds (ticks are truncated).</summary>
    private static NpgsqlParameter Time(string name, DateTimeOffset? value) => Typed(name, NpgsqlDbType.TimestampTz, value?.ToUniversalTime());

    private static NpgsqlParameter Interval(string name, TimeSpan? value) => Typed(name, NpgsqlDbType.Interval, value);

    /// <summary>A fixed-shape record, queryable in SQL.</summary>
    private static NpgsqlParameter Jsonb(string name, string? json) => Typed(name, NpgsqlDbType.Jsonb, json);

    /// <summary>A document kept byte for byte (callers' own JSON inside).</summary>
    private static NpgsqlParameter Json(string name, string json) => Typed(name, NpgsqlDbType.Json, json);

    private static NpgsqlParameter TextArray(string name, string[] values) => Typed(name, NpgsqlDbType.Array | NpgsqlDbType.Text, values);

    private static NpgsqlParameter TimeArray(string name, DateTimeOffset[] values) =>
        Typed(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, values.Select(v => v.ToUniversalTime()).ToArray());

    private static NpgsqlParameter Typed(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };

    private static DateTimeOffset ReadTime(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static DateTimeOffset? ReadNullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static JsonElement ReadElement(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
