using CostOrchestrator.Abstractions.Cluster;

namespace CostOrchestrator.Runtime.Storage;

/// <summary>Cluster membership: nodes register, heartbeat, and declare silent peers dead.</summary>
public interface IMembershipStore
{
    /// <summary>Registers (or re-registers) a node as live.</summary>
    Task UpsertNodeAsync(ClusterNode node, CancellationToken cancellationToken);

    /// <summary>Records a heartbeat; false when the node is not registered as live (it was declared dead).</summary>
    Task<bool> HeartbeatAsync(string nodeId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Declares dead every live node whose last heartbeat is before <paramref name="heartbeatBefore"/>; returns them.</summary>
    Task<IReadOnlyList<string>> DeclareDeadAsync(DateTimeOffset heartbeatBefore, CancellationToken cancellationToken);

    /// <summary>Marks a node stopped (graceful shutdown).</summary>
    Task MarkStoppedAsync(string nodeId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every node ever registered, most recent heartbeat first.</summary>
    Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken);
}
