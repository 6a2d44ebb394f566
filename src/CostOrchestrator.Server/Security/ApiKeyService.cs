using System.Security.Cryptography;
using System.Text;
using CostOrchestrator.Abstractions.Security;
using CostOrchestrator.Storage;
using CostOrchestrator.Server.Hosting;

namespace CostOrchestrator.Server.Security;

/// <summary>
/// Issues API keys (the secret is shown once and stored only as its SHA-256) and authenticates callers. A live key found
/// in the store is remembered for <see cref="KnownFor"/>, so a busy caller costs no store read per request; a key
/// revoked through this node is forgotten at once, one revoked through another node within that interval.
/// </summary>
public sealed class ApiKeyService(ServerOptions options, TimeProvider time)
{
    /// <summary>The prefix of every key secret, so leaked keys are recognisable.</summary>
    public const string SecretPrefix = "costorch_sk_";

    /// <summary>How long a live key found in the store is trusted without reading it again.</summary>
    public static readonly TimeSpan KnownFor = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, (Task<ApiKey?> Lookup, long ReadAt)> _known = new(StringComparer.Ordinal);

    /// <summary>The caller behind an <c>Authorization: Bearer</c> header (or <c>X-Api-Key</c>).</summary>
    public async Task<Caller> AuthenticateAsync(HttpRequest request, IApiKeyStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var presented = Presented(request);
        if (presented is null)
        {
            return Caller.Anonymous;
        }

        if (options.AdminToken is { Length: > 0 } admin && FixedTimeEquals(presented, admin))
        {
            return new Caller { IsAdmin = true };
        }

        if (!presented.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return Caller.Anonymous;
        }

        var hash = Hash(presented);
        Task<ApiKey?> lookup;
        lock (_known)
        {
            // One store read in flight per secret: the callers that find it stale together wait for the same read.
            if (!_known.TryGetValue(hash, out var known) || TimeProvider.System.GetElapsedTime(known.ReadAt) >= KnownFor || known.Lookup.IsFaulted || known.Lookup.IsCanceled)
            {
                known = (store.FindApiKeyAsync(hash, CancellationToken.None), TimeProvider.System.GetTimestamp());
                _known[hash] = known;
            }

            lookup = known.Lookup;
        }

        var key = await lookup.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            // Only live keys are remembered: an unknown secret is read every time (and nothing grows with guesses).
            lock (_known)
            {
                if (_known.TryGetValue(hash, out var known) && known.Lookup == lookup)
                {
                    _known.Remove(hash);
                }
            }

            return Caller.Anonymous;
        }

        return new Caller { Key = key };
    }

    /// <summary>Revokes a key, and forgets it here at once.</summary>
    public async Task<bool> RevokeAsync(string keyId, IApiKeyStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var revoked = await store.RevokeApiKeyAsync(keyId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        lock (_known)
        {
            // Forget every remembered lookup: the revoked key's (a lookup still in flight is forgotten too).
            _known.Clear();
        }

        return revoked;
    }

    /// <summary>Creates a key; returns it with its secret, which is not kept anywhere.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, IReadOnlyList<string> scopes, IApiKeyStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var keyId = "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var key = new ApiKey { KeyId = keyId, Name = name, Scopes = scopes, CreatedAt = time.GetUtcNow() };
        await store.CreateApiKeyAsync(key, Hash(secret), cancellationToken).ConfigureAwait(false);
        return (key, secret);
    }

    /// <summary>SHA-256 hex of a secret.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var apiKey = request.Headers["X-Api-Key"].ToString();
        return apiKey.Length > 0 ? apiKey : null;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
