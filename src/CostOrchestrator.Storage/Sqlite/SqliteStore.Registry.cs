using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Storage.Common;

namespace CostOrchestrator.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<ProviderRecord>> GetProvidersAsync(CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<ProviderRecord>>(async ct =>
            await QueryAsync(null, "SELECT record FROM providers ORDER BY capability, provider_id", r => StoreJson.Read<ProviderRecord>(r.GetString(0)), ct).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PriceChange>> GetPriceHistoryAsync(string providerId, CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<PriceChange>>(async ct =>
            await QueryAsync(null, "SELECT changed_at, cost_model FROM price_history WHERE provider_id = $id ORDER BY id",
                r => new PriceChange { ProviderId = providerId, ChangedAt = StoreTime.FromMicros(r.GetInt64(0)), CostModel = StoreJson.Read<CostModel>(r.GetString(1)) },
                ct, ("$id", providerId)).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task PingAsync(CancellationToken cancellationToken) =>
        LockedAsync(ct => QueryAsync(null, "SELECT 1", r => r.GetInt64(0), ct), cancellationToken);
}
