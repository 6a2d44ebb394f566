using CostOrchestrator.Core.Money;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Storage.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public async Task<CacheEntry?> GetCacheAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT capability, provider_id, result, cost, created_at, expires_at FROM cache WHERE key = @k AND (expires_at IS NULL OR expires_at > @now)",
            r => new CacheEntry
            {
                Key = key,
                Capability = r.GetString(0),
                ProviderId = r.GetString(1),
                Result = ReadElement(r.GetString(2)),
                CostCents = Cents.FromMicros(r.GetInt64(3)),
                CreatedAt = ReadTime(r, 4),
                ExpiresAt = ReadNullableTime(r, 5),
            }, cancellationToken, Text("k", key), Time("now", now)).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public async Task PutCacheAsync(CacheEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await ExecuteAsync(
            "INSERT INTO cache (key, capability, provider_id, result, cost, created_at, expires_at) VALUES (@k, @c, @p, @r, @cost, @t, @e) " +
            "ON CONFLICT (key) DO UPDATE SET capability = excluded.capability, provider_id = excluded.provider_id, result = excluded.result, " +
            "cost = excluded.cost, created_at = excluded.created_at, expires_at = excluded.expires_at", cancellationToken,
            Text("k", entry.Key), Text("c", entry.Capability), Text("p", entry.ProviderId), Json("r", entry.Result.GetRawText()),
            Bigint("cost", Cents.ToMicros(entry.CostCents)), Time("t", entry.CreatedAt), Time("e", entry.ExpiresAt)).ConfigureAwait(false);
    }
}
