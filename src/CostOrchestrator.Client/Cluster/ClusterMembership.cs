using CostOrchestrator.Abstractions.Cluster;

namespace CostOrchestrator.Client.Cluster;

/// <summary>The cluster as one node sees it (<c>GET /v1/cluster/nodes</c>).</summary>
public sealed record ClusterMembership
{
    /// <summary>The id of the node that answered.</summary>
    public required string Self { get; init; }

    /// <summary>Every node recorded in the store: live, dead and stopped.</summary>
    public required IReadOnlyList<ClusterNode> Nodes { get; init; }
}
