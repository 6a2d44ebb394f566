using CostOrchestrator.Abstractions.Security;
using CostOrchestrator.Storage.Common;
using Npgsql;

namespace CostOrchestrator.Storage.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public async Task CreateApiKeyAsync(ApiKey key, string secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await ExecuteAsync("INSERT INTO api_keys (key_id, name, secret_hash, scopes, created_at) VALUES (@id, @n, @h, @s, @t)", cancellationToken,
            Text("id", key.KeyId), Text("n", key.Name), Text("h", secretHash), Jsonb("s", StoreJson.Write(key.Scopes)), Time("t", key.CreatedAt)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ApiKey?> FindApiKeyAsync(string secretHash, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT key_id, name, scopes::text, created_at, revoked_at FROM api_keys WHERE secret_hash = @h AND revoked_at IS NULL",
            MapApiKey, cancellationToken, Text("h", secretHash)).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiKey>> GetApiKeysAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT key_id, name, scopes::text, created_at, revoked_at FROM api_keys ORDER BY created_at DESC, key_id",
            MapApiKey, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<bool> RevokeApiKeyAsync(string keyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE api_keys SET revoked_at = @t WHERE key_id = @id AND revoked_at IS NULL", cancellationToken,
            Text("id", keyId), Time("t", now)).ConfigureAwait(false) == 1;

    private static ApiKey MapApiKey(NpgsqlDataReader r) => new()
    {
        KeyId = r.GetString(0),
        Name = r.GetString(1),
        Scopes = StoreJson.Read<List<string>>(r.GetString(2)),
        CreatedAt = ReadTime(r, 3),
        RevokedAt = ReadNullableTime(r, 4),
    };
}
