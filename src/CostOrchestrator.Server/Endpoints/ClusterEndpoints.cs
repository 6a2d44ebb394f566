using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>/v1/cluster/nodes.</summary>
public static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/cluster/nodes", async (NodeHost host, CancellationToken ct) =>
            TypedResults.Ok(new { self = host.Node.Options.NodeId, nodes = await host.Node.Store.GetNodesAsync(ct) })).RequireCaller();
    }
}
