using System.Text.Json;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Storage;
using CostOrchestrator.Storage.Common;

namespace CostOrchestrator.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<CacheEntry?> GetCacheAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        LockedAsync(async ct => (await QueryAsync(null,
            "SELECT capability, provider_id, result, cost, created_at, expires_at FROM cache WHERE key = $k AND (expires_at IS NULL OR expires_at > $now)",
            r => new CacheEntry
            {
                Key = key,
                Capability = r.GetString(0),
                ProviderId = r.GetString(1),
                Result = JsonDocument.Parse(r.GetString(2)).RootElement.Clone(),
                CostCents = Cents.FromMicros(r.GetInt64(3)),
                CreatedAt = StoreTime.FromMicros(r.GetInt64(4)),
                ExpiresAt = r.IsDBNull(5) ? null : StoreTime.FromMicros(r.GetInt64(5)),
            }, ct, ("$k", key), ("$now", StoreTime.ToMicros(now))).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    /// <inheritdoc />
    public Task PutCacheAsync(CacheEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return LockedAsync(async ct => await ExecuteAsync(null,
            "INSERT INTO cache (key, capability, provider_id, result, cost, created_at, expires_at) VALUES ($k, $c, $p, $r, $cost, $t, $e) " +
            "ON CONFLICT (key) DO UPDATE SET capability = excluded.capability, provider_id = excluded.provider_id, result = excluded.result, " +
            "cost = excluded.cost, created_at = excluded.created_at, expires_at = excluded.expires_at", ct,
            ("$k", entry.Key), ("$c", entry.Capability), ("$p", entry.ProviderId), ("$r", entry.Result.GetRawText()), ("$cost", Cents.ToMicros(entry.CostCents)),
            ("$t", StoreTime.ToMicros(entry.CreatedAt)), ("$e", entry.ExpiresAt is { } e ? StoreTime.ToMicros(e) : null)).ConfigureAwait(false), cancellationToken);
    }
}
