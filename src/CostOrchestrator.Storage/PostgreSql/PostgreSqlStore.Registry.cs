using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Storage.Common;
using Npgsql;

namespace CostOrchestrator.Storage.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<ProviderRecord>> GetProvidersAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT record FROM providers ORDER BY capability, provider_id", r => StoreJson.Read<ProviderRecord>(r.GetString(0)), cancellationToken)
            .ConfigureAwait(false);

    /// <inheritdoc />
    public Task<ProviderRecord> UpsertProviderAsync(ProviderRecord provider, PriceChange? priceChange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return TransactionAsync(async (tx, ct) =>
        {
            var version = await BumpRegistryVersionAsync(tx, ct).ConfigureAwait(false);
            var stored = provider with { Version = version, PriceUpdatedAt = StoreTime.Truncate(provider.PriceUpdatedAt) };
            await ExecuteAsync(tx,
                "INSERT INTO providers (provider_id, capability, version, record) VALUES (@id, @cap, @v, @r) " +
                "ON CONFLICT (provider_id) DO UPDATE SET capability = excluded.capability, version = excluded.version, record = excluded.record",
                ct, Text("id", stored.ProviderId), Text("cap", stored.Capability), Bigint("v", version), Json("r", StoreJson.Write(stored))).ConfigureAwait(false);
            if (priceChange is not null)
            {
                await ExecuteAsync(tx, "INSERT INTO price_history (provider_id, changed_at, cost_model) VALUES (@id, @t, @m)", ct,
                    Text("id", priceChange.ProviderId), Time("t", priceChange.ChangedAt), Jsonb("m", StoreJson.Write(priceChange.CostModel))).ConfigureAwait(false);
            }

            return (stored, true);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteProviderAsync(string providerId, CancellationToken cancellationToken) =>
        TransactionAsync(async (tx, ct) =>
        {
            var deleted = await ExecuteAsync(tx, "DELETE FROM providers WHERE provider_id = @id", ct, Text("id", providerId)).ConfigureAwait(false) == 1;
            if (deleted)
            {
                await BumpRegistryVersionAsync(tx, ct).ConfigureAwait(false);
            }

            return (deleted, deleted);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PriceChange>> GetPriceHistoryAsync(string providerId, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT changed_at, cost_model FROM price_history WHERE provider_id = @id ORDER BY id",
            r => new PriceChange { ProviderId = providerId, ChangedAt = ReadTime(r, 0), CostModel = StoreJson.Read<CostModel>(r.GetString(1)) },
            cancellationToken, Text("id", providerId)).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long> GetRegistryVersionAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT version FROM registry_version WHERE id = 1", r => r.GetInt64(0), cancellationToken).ConfigureAwait(false))[0];

    // The counter row is updated inside the change's own transaction: it also serialises registry writers, so
    // versions are handed out in commit order and become visible together with the change they stand for.
    private static async Task<long> BumpRegistryVersionAsync(NpgsqlTransaction tx, CancellationToken cancellationToken) =>
        (await QueryAsync(tx, "UPDATE registry_version SET version = version + 1 WHERE id = 1 RETURNING version", r => r.GetInt64(0), cancellationToken)
            .ConfigureAwait(false))[0];
}
