using CostOrchestrator.Abstractions.Security;

namespace CostOrchestrator.Storage;

/// <summary>API keys, stored by the SHA-256 of their secret; the secret itself is never stored.</summary>
public interface IApiKeyStore
{
    /// <summary>Stores a new key with the hash of its secret.</summary>
    Task CreateApiKeyAsync(ApiKey key, string secretHash, CancellationToken cancellationToken);

    /// <summary>The live (not revoked) key with this secret hash, or null.</summary>
    Task<ApiKey?> FindApiKeyAsync(string secretHash, CancellationToken cancellationToken);

    /// <summary>Every key, newest first.</summary>
    Task<IReadOnlyList<ApiKey>> GetApiKeysAsync(CancellationToken cancellationToken);

    /// <summary>Revokes a key; false when unknown or already revoked.</summary>
    Task<bool> RevokeApiKeyAsync(string keyId, DateTimeOffset now, CancellationToken cancellationToken);
}
