using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>The registry: read by any caller, changed by the admin. Prices change at run time, no deploy.</summary>
public static class RegistryEndpoints
{
    public static void MapRegistryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/capabilities", async (IGrainFactory grains, CancellationToken ct) =>
        {
            var providers = await Registry(grains).GetProvidersAsync(null, ct);
            return TypedResults.Ok(providers.GroupBy(p => p.Capability).Select(g => new
            {
                capability = g.Key,
                providers = g.Count(),
                routable = g.Count(p => p.Health != ProviderHealth.Down),
                cheapest_cents = g.Where(p => p.Health != ProviderHealth.Down).Select(p => (decimal?)CostEstimator.WorstCase(p, null).WorstCaseCents).Min(),
            }));
        }).RequireCaller();

        app.MapGet("/v1/providers", async (string? capability, IGrainFactory grains, CancellationToken ct) =>
            TypedResults.Ok(await Registry(grains).GetProvidersAsync(capability, ct))).RequireCaller();

        app.MapGet("/v1/providers/{id}", async (string id, IGrainFactory grains, CancellationToken ct) =>
            await Registry(grains).GetProviderAsync(id, ct) is { } provider ? Results.Ok(new { provider, price_history = await Registry(grains).GetPriceHistoryAsync(id, ct) }) : Problems.NotFound($"provider '{id}'"))
            .RequireCaller();

        app.MapPut("/v1/providers/{id}", async (string id, HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        {
            var (provider, problem) = await JsonBody.ReadAsync<ProviderRecord>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (provider!.ProviderId != id)
            {
                return Problems.Invalid("provider_id", $"'{provider.ProviderId}' does not match the path ('{id}')");
            }

            var errors = ProviderValidator.Validate(provider);
            return errors.Count > 0 ? Problems.Validation(ErrorCodes.InvalidProvider, errors) : Results.Ok(await Registry(grains).UpsertProviderAsync(provider, ct));
        }).RequireAdmin().Documents<ProviderRecord, ProviderRecord>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge);

        app.MapMethods("/v1/providers/{id}", ["PATCH"], async (string id, HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        {
            var (update, problem) = await JsonBody.ReadAsync<ProviderUpdate>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (update!.CostModel is null && update.Health is null)
            {
                return Problems.Invalid("$", "give cost_model and/or health");
            }

            if (update.CostModel is { } price && ProviderValidator.ValidateCostModel(price) is { Count: > 0 } errors)
            {
                return Problems.Validation(ErrorCodes.InvalidProvider, errors);
            }

            return await Registry(grains).UpdateProviderAsync(id, update, ct) is { } updated ? Results.Ok(updated) : Problems.NotFound($"provider '{id}'");
        }).RequireAdmin().Documents<ProviderUpdate, ProviderRecord>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);

        app.MapDelete("/v1/providers/{id}", async (string id, IGrainFactory grains, CancellationToken ct) =>
            await Registry(grains).DeleteProviderAsync(id, ct) ? Results.NoContent() : Problems.NotFound($"provider '{id}'")).RequireAdmin();
    }

    private static ICapabilityRegistryGrain Registry(IGrainFactory grains) =>
        grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
}
