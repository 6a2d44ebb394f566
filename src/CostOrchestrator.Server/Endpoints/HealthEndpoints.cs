using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;
using CostOrchestrator.Server.Http;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>/healthz and /readyz. (/metrics is OpenTelemetry's Prometheus exporter: Hosting/NodeTelemetry.cs.)</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));
        // Kestrel starts after the silo is active (the silo is a hosted service registered first): a request that
        // reaches this route finds the node up; ready means its store answers too.
        app.MapGet("/readyz", async (ICostOrchestratorStore store, NodeOptions nodeOptions, CancellationToken ct) =>
        {
            try
            {
                await store.PingAsync(ct);
                return Results.Ok(new { status = "ready", node_id = nodeOptions.NodeId, storage = store.Backend });
            }
            catch (StoreUnavailableException ex)
            {
                return Problems.Of(ErrorCodes.StoreUnavailable, ex.Message);
            }
        });
    }
}
