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
    public Task<ProviderRecord> UpsertProviderAsync(ProviderRecord provider, PriceChange? priceChange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return TransactionAsync(async (tx, ct) =>
        {
            var version = await BumpRegistryVersionAsync(tx, ct).ConfigureAwait(false);
            var stored = provider with { Version = version, PriceUpdatedAt = StoreTime.Truncate(provider.PriceUpdatedAt) };
            await ExecuteAsync(tx,
                "INSERT INTO providers (provider_id, capability, version, record) VALUES ($id, $cap, $v, $r) " +
                "ON CONFLICT (provider_id) DO UPDATE SET capability = excluded.capability, version = excluded.version, record = excluded.record",
                ct, ("$id", stored.ProviderId), ("$cap", stored.Capability), ("$v", version), ("$r", StoreJson.Write(stored))).ConfigureAwait(false);
            if (priceChange is not null)
            {
                await ExecuteAsync(tx, "INSERT INTO price_history (provider_id, changed_at, cost_model) VALUES ($id, $t, $m)", ct,
                    ("$id", priceChange.ProviderId), ("$t", StoreTime.ToMicros(priceChange.ChangedAt)), ("$m", StoreJson.Write(priceChange.CostModel))).ConfigureAwait(false);
            }

            return (stored, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteProviderAsync(string providerId, CancellationToken cancellationToken) =>
        TransactionAsync(async (tx, ct) =>
        {
            var deleted = await ExecuteAsync(tx, "DELETE FROM providers WHERE provider_id = $id", ct, ("$id", providerId)).ConfigureAwait(false) == 1;
            if (deleted)
            {
                await BumpRegistryVersionAsync(tx, ct).ConfigureAwait(false);
            }

            return (deleted, deleted);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PriceChange>> GetPriceHistoryAsync(string providerId, CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<PriceChange>>(async ct =>
            await QueryAsync(null, "SELECT changed_at, cost_model FROM price_history WHERE provider_id = $id ORDER BY id",
                r => new PriceChange { ProviderId = providerId, ChangedAt = StoreTime.FromMicros(r.GetInt64(0)), CostModel = StoreJson.Read<CostModel>(r.GetString(1)) },
                ct, ("$id", providerId)).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public Task<long> GetRegistryVersionAsync(CancellationToken cancellationToken) =>
        LockedAsync(async ct =>
        {
            await using var cmd = Command("SELECT version FROM registry_version WHERE id = 1");
            return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken);

    private async Task<long> BumpRegistryVersionAsync(Microsoft.Data.Sqlite.SqliteTransaction tx, CancellationToken cancellationToken)
    {
        await using var cmd = Command("UPDATE registry_version SET version = version + 1 WHERE id = 1 RETURNING version", tx);
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
