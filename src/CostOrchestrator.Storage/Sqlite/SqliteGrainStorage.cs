using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;

namespace CostOrchestrator.Storage.Sqlite;

/// <summary>
/// Orleans grain state of the embedded silo, in the node's SQLite file (<c>orleans_grain_state</c>). Same contract as
/// Orleans' ADO.NET grain storage: the ETag is a version that changes on every write and clear; a write or clear
/// carrying a stale ETag (another activation wrote since) changes nothing and throws
/// <see cref="InconsistentStateException"/>; a first write loses to a row already there; a clear keeps the row
/// without a payload, so its version goes on counting.
/// </summary>
public sealed class SqliteGrainStorage(SqliteStore store, IGrainStorageSerializer serializer, IOptions<ClusterOptions> cluster, TimeProvider time) : IGrainStorage
{
    private readonly string _serviceId = cluster.Value.ServiceId;

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var rows = await store.LockedAsync(ct => store.QueryAsync(null,
            "SELECT payload, version FROM orleans_grain_state WHERE service_id = $s AND grain_id = $g AND state_name = $n",
            r => (Payload: r.IsDBNull(0) ? null : (byte[])r.GetValue(0), Version: r.GetInt64(1)), ct, Key(grainId, stateName)), cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var (payload, version) = rows[0];
        grainState.State = payload is null ? Activator.CreateInstance<T>() : serializer.Deserialize<T>(new BinaryData(payload)) ?? Activator.CreateInstance<T>();
        grainState.ETag = Etag(version);
        grainState.RecordExists = payload is not null;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = serializer.Serialize(grainState.State).ToArray();
        var now = time.GetUtcNow().UtcTicks;
        var versions = grainState.ETag is null
            ? await ChangeAsync("""
                INSERT INTO orleans_grain_state (service_id, grain_id, state_name, payload, version, modified_at)
                VALUES ($s, $g, $n, $p, 1, $t)
                ON CONFLICT DO NOTHING
                RETURNING version
                """, grainId, stateName, cancellationToken, ("$p", payload), ("$t", now)).ConfigureAwait(false)
            : await ChangeAsync("""
                UPDATE orleans_grain_state SET payload = $p, version = version + 1, modified_at = $t
                 WHERE service_id = $s AND grain_id = $g AND state_name = $n AND version = $v
                RETURNING version
                """, grainId, stateName, cancellationToken, ("$p", payload), ("$t", now), ("$v", Version(grainState.ETag))).ConfigureAwait(false);
        grainState.ETag = Etag(Single(versions, "write", grainId, grainState.ETag));
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (grainState.ETag is null)
        {
            // Never read or written by this activation: clearing nothing is not a conflict (as in Orleans' providers).
            await ReadStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
            if (!grainState.RecordExists)
            {
                return;
            }
        }

        var versions = await ChangeAsync("""
            UPDATE orleans_grain_state SET payload = NULL, version = version + 1, modified_at = $t
             WHERE service_id = $s AND grain_id = $g AND state_name = $n AND version = $v
            RETURNING version
            """, grainId, stateName, cancellationToken, ("$t", time.GetUtcNow().UtcTicks), ("$v", Version(grainState.ETag))).ConfigureAwait(false);
        grainState.ETag = Etag(Single(versions, "clear", grainId, grainState.ETag));
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private Task<List<long>> ChangeAsync(string sql, GrainId grainId, string stateName, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        store.LockedAsync(ct => store.QueryAsync(null, sql, r => r.GetInt64(0), ct, [.. Key(grainId, stateName), .. parameters]), cancellationToken);

    private (string, object?)[] Key(GrainId grainId, string stateName) => [("$s", _serviceId), ("$g", grainId.ToString()), ("$n", stateName)];

    private static long Single(List<long> versions, string operation, GrainId grainId, string? etag) =>
        versions.Count == 1
            ? versions[0]
            : throw new InconsistentStateException($"Version conflict ({operation}): grain {grainId} holds ETag {etag ?? "(none)"}, the stored state moved on.", storedEtag: null, currentEtag: etag, storageException: null);

    private static string Etag(long version) => version.ToString(CultureInfo.InvariantCulture);

    // An ETag this storage did not issue matches no row, which is the conflict it is.
    private static long Version(string? etag) => long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;
}
