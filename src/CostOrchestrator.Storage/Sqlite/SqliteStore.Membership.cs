using CostOrchestrator.Abstractions.Cluster;
using CostOrchestrator.Storage.Common;

namespace CostOrchestrator.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task UpsertNodeAsync(ClusterNode node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        return LockedAsync(async ct => await ExecuteAsync(null,
            "INSERT INTO nodes (node_id, address, started_at, last_heartbeat, status) VALUES ($id, $a, $s, $h, 'live') " +
            "ON CONFLICT (node_id) DO UPDATE SET address = excluded.address, started_at = excluded.started_at, last_heartbeat = excluded.last_heartbeat, status = 'live'", ct,
            ("$id", node.NodeId), ("$a", node.Address), ("$s", StoreTime.ToMicros(node.StartedAt)), ("$h", StoreTime.ToMicros(node.LastHeartbeatAt))).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> HeartbeatAsync(string nodeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        LockedAsync(async ct => await ExecuteAsync(null, "UPDATE nodes SET last_heartbeat = $h WHERE node_id = $id AND status = 'live'", ct,
            ("$id", nodeId), ("$h", StoreTime.ToMicros(now))).ConfigureAwait(false) == 1, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> DeclareDeadAsync(DateTimeOffset heartbeatBefore, CancellationToken cancellationToken) =>
        TransactionAsync<IReadOnlyList<string>>(async (tx, ct) =>
        {
            var dead = await QueryAsync(tx, "UPDATE nodes SET status = 'dead' WHERE status = 'live' AND last_heartbeat < $t RETURNING node_id",
                r => r.GetString(0), ct, ("$t", StoreTime.ToMicros(heartbeatBefore))).ConfigureAwait(false);
            return (dead.Order(StringComparer.Ordinal).ToList(), true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task MarkStoppedAsync(string nodeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        LockedAsync(async ct => await ExecuteAsync(null, "UPDATE nodes SET status = 'stopped', last_heartbeat = $h WHERE node_id = $id", ct,
            ("$id", nodeId), ("$h", StoreTime.ToMicros(now))).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<ClusterNode>>(async ct => await QueryAsync(null,
            "SELECT node_id, address, started_at, last_heartbeat, status FROM nodes ORDER BY last_heartbeat DESC, node_id", r => new ClusterNode
            {
                NodeId = r.GetString(0),
                Address = r.IsDBNull(1) ? null : r.GetString(1),
                StartedAt = StoreTime.FromMicros(r.GetInt64(2)),
                LastHeartbeatAt = StoreTime.FromMicros(r.GetInt64(3)),
                Status = Enum.Parse<NodeStatus>(r.GetString(4), ignoreCase: true),
            }, ct).ConfigureAwait(false), cancellationToken);
}
