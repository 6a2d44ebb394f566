namespace CostOrchestrator.Abstractions.Cluster;

/// <summary>A node's membership status.</summary>
[GenerateSerializer, Alias("costorch.NodeStatus")]
public enum NodeStatus
{
    /// <summary>Heartbeating.</summary>
    Live,

    /// <summary>Missed its heartbeats; declared dead by another node (or by itself on restart).</summary>
    Dead,

    /// <summary>Shut down gracefully.</summary>
    Stopped,
}
