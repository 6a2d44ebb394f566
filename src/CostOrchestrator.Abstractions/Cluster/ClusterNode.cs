namespace CostOrchestrator.Abstractions.Cluster;

/// <summary>A member of the cluster as recorded in the store.</summary>
[GenerateSerializer, Immutable, Alias("costorch.ClusterNode")]
public sealed record ClusterNode
{
    /// <summary>The node's id.</summary>
    [Id(0)]
    public required string NodeId { get; init; }

    /// <summary>Where it serves HTTP, if it does.</summary>
    [Id(1)]
    public string? Address { get; init; }

    /// <summary>When it started.</summary>
    [Id(2)]
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Its last heartbeat.</summary>
    [Id(3)]
    public required DateTimeOffset LastHeartbeatAt { get; init; }

    /// <summary>Live, dead or stopped.</summary>
    [Id(4)]
    public required NodeStatus Status { get; init; }
}
