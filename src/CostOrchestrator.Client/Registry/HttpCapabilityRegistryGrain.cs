using System.Net;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Client.Http;

namespace CostOrchestrator.Client.Registry;

/// <summary>
/// <see cref="ICapabilityRegistryGrain"/> over HTTP. Reads need any credential; changes need the admin token.
/// Passive health reports and active checks are the nodes' own business and are not exposed over HTTP.
/// </summary>
internal sealed class HttpCapabilityRegistryGrain(ApiConnection connection) : ICapabilityRegistryGrain
{
    public Task<IReadOnlyList<ProviderRecord>> GetProvidersAsync(string? capability = null, CancellationToken cancellationToken = default) =>
        connection.SendAsync<IReadOnlyList<ProviderRecord>>(HttpMethod.Get,
            capability is null ? "v1/providers" : "v1/providers?capability=" + Uri.EscapeDataString(capability), null, idempotent: true, cancellationToken);

    public async Task<ProviderRecord?> GetProviderAsync(string providerId, CancellationToken cancellationToken = default) =>
        (await GetDetailsAsync(providerId, cancellationToken).ConfigureAwait(false))?.Provider;

    public Task<ProviderRecord> UpsertProviderAsync(ProviderRecord provider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return connection.SendAsync<ProviderRecord>(HttpMethod.Put, ProviderPath(provider.ProviderId), RequestBody.Json(provider), idempotent: true, cancellationToken);
    }

    public Task<ProviderRecord?> UpdateProviderAsync(string providerId, ProviderUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);

        // Not retried: the node appends every PATCHed price to the price history, so a retry whose first attempt
        // did land would record the same change twice. The operator sees the error and decides.
        return connection.SendOrNotFoundAsync<ProviderRecord>(HttpMethod.Patch, ProviderPath(providerId), RequestBody.Json(update), idempotent: false, cancellationToken);
    }

    public async Task<bool> DeleteProviderAsync(string providerId, CancellationToken cancellationToken = default)
    {
        var path = ProviderPath(providerId);
        using var response = await connection.SendAsync(HttpMethod.Delete, path, null, idempotent: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return true;
        }

        var problem = await Problem.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        return problem.IsNotFound ? false : throw problem.ToException(ApiConnection.Describe(HttpMethod.Delete, path));
    }

    public async Task<IReadOnlyList<PriceChange>> GetPriceHistoryAsync(string providerId, CancellationToken cancellationToken = default) =>
        (await GetDetailsAsync(providerId, cancellationToken).ConfigureAwait(false))?.PriceHistory ?? [];

    public Task ReportOutcomeAsync(string providerId, bool success, double latencyMs, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(
            "ReportOutcomeAsync is not exposed over HTTP: nodes track provider health from the calls they make themselves. "
            + "To take a provider out of routing, set its health with UpdateProviderAsync (admin token).");

    public Task<int> CheckHealthAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(
            "CheckHealthAsync is not exposed over HTTP: every node runs the active health checks on its own schedule. "
            + "Read the result with GetProvidersAsync (health, health_reason).");

    private Task<ProviderDetails?> GetDetailsAsync(string providerId, CancellationToken cancellationToken) =>
        connection.SendOrNotFoundAsync<ProviderDetails>(HttpMethod.Get, ProviderPath(providerId), null, idempotent: true, cancellationToken);

    private static string ProviderPath(string providerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerId);
        return "v1/providers/" + Uri.EscapeDataString(providerId);
    }

    /// <summary>The body of <c>GET /v1/providers/{id}</c>.</summary>
    private sealed record ProviderDetails
    {
        public required ProviderRecord Provider { get; init; }

        public IReadOnlyList<PriceChange> PriceHistory { get; init; } = [];
    }
}
