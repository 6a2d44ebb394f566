using CostOrchestrator.Abstractions.Cluster;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>/v1/cluster/nodes: the silos Orleans' membership knows, from its management grain.</summary>
public static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/cluster/nodes", async (IGrainFactory grains, NodeOptions nodeOptions, CancellationToken ct) =>
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false);
            var nodes = hosts
                .Select(h => new ClusterNode
                {
                    NodeId = h.SiloName,
                    Address = h.SiloAddress.ToParsableString(),
                    StartedAt = new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc)),
                    LastHeartbeatAt = new DateTimeOffset(DateTime.SpecifyKind(h.IAmAliveTime == default ? h.StartTime : h.IAmAliveTime, DateTimeKind.Utc)),
                    Status = h.Status switch
                    {
                        SiloStatus.Active or SiloStatus.Joining or SiloStatus.Created => NodeStatus.Live,
                        SiloStatus.ShuttingDown or SiloStatus.Stopping => NodeStatus.Stopped,
                        _ => NodeStatus.Dead,
                    },
                })
                .OrderByDescending(n => n.LastHeartbeatAt)
                .ToList();
            return TypedResults.Ok(new { self = nodeOptions.NodeId, nodes });
        }).RequireCaller();
    }
}
