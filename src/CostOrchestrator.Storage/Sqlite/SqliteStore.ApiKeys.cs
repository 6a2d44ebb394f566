using CostOrchestrator.Abstractions.Security;
using CostOrchestrator.Storage.Common;
using Microsoft.Data.Sqlite;

namespace CostOrchestrator.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task CreateApiKeyAsync(ApiKey key, string secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return LockedAsync(async ct => await ExecuteAsync(null,
            "INSERT INTO api_keys (key_id, name, secret_hash, scopes, created_at) VALUES ($id, $n, $h, $s, $t)", ct,
            ("$id", key.KeyId), ("$n", key.Name), ("$h", secretHash), ("$s", StoreJson.Write(key.Scopes)), ("$t", StoreTime.ToMicros(key.CreatedAt))).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApiKey?> FindApiKeyAsync(string secretHash, CancellationToken cancellationToken) =>
        LockedAsync(async ct => (await QueryAsync(null, "SELECT key_id, name, scopes, created_at, revoked_at FROM api_keys WHERE secret_hash = $h AND revoked_at IS NULL",
            MapApiKey, ct, ("$h", secretHash)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKey>> GetApiKeysAsync(CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<ApiKey>>(async ct => await QueryAsync(null, "SELECT key_id, name, scopes, created_at, revoked_at FROM api_keys ORDER BY created_at DESC, key_id",
            MapApiKey, ct).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeApiKeyAsync(string keyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        LockedAsync(async ct => await ExecuteAsync(null, "UPDATE api_keys SET revoked_at = $t WHERE key_id = $id AND revoked_at IS NULL", ct,
            ("$id", keyId), ("$t", StoreTime.ToMicros(now))).ConfigureAwait(false) == 1, cancellationToken);

    private static ApiKey MapApiKey(SqliteDataReader r) => new()
    {
        KeyId = r.GetString(0),
        Name = r.GetString(1),
        Scopes = StoreJson.Read<List<string>>(r.GetString(2)),
        CreatedAt = StoreTime.FromMicros(r.GetInt64(3)),
        RevokedAt = r.IsDBNull(4) ? null : StoreTime.FromMicros(r.GetInt64(4)),
    };
}
