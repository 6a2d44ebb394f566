using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Storage.Common;

namespace CostOrchestrator.Storage.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<ProviderRecord>> GetProvidersAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT record FROM providers ORDER BY capability, provider_id", r => StoreJson.Read<ProviderRecord>(r.GetString(0)), cancellationToken)
            .ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PriceChange>> GetPriceHistoryAsync(string providerId, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT changed_at, cost_model FROM price_history WHERE provider_id = @id ORDER BY id",
            r => new PriceChange { ProviderId = providerId, ChangedAt = ReadTime(r, 0), CostModel = StoreJson.Read<CostModel>(r.GetString(1)) },
            cancellationToken, Text("id", providerId)).ConfigureAwait(false);

    /// <inheritdoc />
    public Task PingAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT 1", r => r.GetInt32(0), cancellationToken);
}
