using CostOrchestrator.Abstractions.Cluster;

namespace CostOrchestrator.Storage.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public async Task UpsertNodeAsync(ClusterNode node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        await ExecuteAsync(
            "INSERT INTO nodes (node_id, address, started_at, last_heartbeat, status) VALUES (@id, @a, @s, @h, 'live') " +
            "ON CONFLICT (node_id) DO UPDATE SET address = excluded.address, started_at = excluded.started_at, last_heartbeat = excluded.last_heartbeat, status = 'live'",
            cancellationToken, Text("id", node.NodeId), Text("a", node.Address), Time("s", node.StartedAt), Time("h", node.LastHeartbeatAt)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> HeartbeatAsync(string nodeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE nodes SET last_heartbeat = @h WHERE node_id = @id AND status = 'live'", cancellationToken,
            Text("id", nodeId), Time("h", now)).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> DeclareDeadAsync(DateTimeOffset heartbeatBefore, CancellationToken cancellationToken) =>
        (await QueryAsync("UPDATE nodes SET status = 'dead' WHERE status = 'live' AND last_heartbeat < @t RETURNING node_id",
            r => r.GetString(0), cancellationToken, Time("t", heartbeatBefore)).ConfigureAwait(false)).Order(StringComparer.Ordinal).ToList();

    /// <inheritdoc />
    public async Task MarkStoppedAsync(string nodeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE nodes SET status = 'stopped', last_heartbeat = @h WHERE node_id = @id", cancellationToken,
            Text("id", nodeId), Time("h", now)).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ClusterNode>> GetNodesAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT node_id, address, started_at, last_heartbeat, status FROM nodes ORDER BY last_heartbeat DESC, node_id", r => new ClusterNode
        {
            NodeId = r.GetString(0),
            Address = r.IsDBNull(1) ? null : r.GetString(1),
            StartedAt = ReadTime(r, 2),
            LastHeartbeatAt = ReadTime(r, 3),
            Status = Enum.Parse<NodeStatus>(r.GetString(4), ignoreCase: true),
        }, cancellationToken).ConfigureAwait(false);
}
