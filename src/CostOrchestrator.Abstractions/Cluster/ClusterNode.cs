namespace CostOrchestrator.Abstractions.Cluster;

/// <summary>A member of the cluster as recorded in the store.</summary>
public sealed record ClusterNode
{
    /// <summary>The node's id.</summary>
    public required string NodeId { get; init; }

    /// <summary>Where it serves HTTP, if it does.</summary>
    public string? Address { get; init; }

    /// <summary>When it started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Its last heartbeat.</summary>
    public required DateTimeOffset LastHeartbeatAt { get; init; }

    /// <summary>Live, dead or stopped.</summary>
    public required NodeStatus Status { get; init; }
}
