using System.Text;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Runtime.Storage;
using CostOrchestrator.Storage.Common;
using Npgsql;

namespace CostOrchestrator.Storage.PostgreSql;

public sealed partial class PostgreSqlStore
{
    /// <inheritdoc />
    public async Task<bool> CreateRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return await ExecuteAsync(
            "INSERT INTO runs (run_id, pipeline_id, status, created_at, record) VALUES (@id, @p, @s, @t, @r) ON CONFLICT (run_id) DO NOTHING", cancellationToken,
            Text("id", run.RunId), Text("p", run.PipelineId), Text("s", StoreJson.EnumName(run.Status)), Time("t", run.CreatedAt), Json("r", StoreJson.Write(run)))
            .ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> SaveRunAsync(RunRecord run, string? leaseOwner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);

        // Replaces an existing run only (runs come into being through CreateRunAsync); with an owner, only while it holds the lease.
        return await ExecuteAsync("UPDATE runs SET status = @s, record = @r WHERE run_id = @id AND (@owner::text IS NULL OR lease_owner = @owner)", cancellationToken,
            Text("id", run.RunId), Text("s", StoreJson.EnumName(run.Status)), Json("r", StoreJson.Write(run)), Text("owner", leaseOwner)).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> TryAcquireRunLeaseAsync(string runId, string nodeId, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE runs SET lease_owner = @node, lease_until = @until WHERE run_id = @id AND (lease_owner IS NULL OR lease_owner = @node OR lease_until <= @now)",
            cancellationToken, Text("id", runId), Text("node", nodeId), Time("until", until), Time("now", now)).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> RenewRunLeasesAsync(string nodeId, IReadOnlyCollection<string> runIds, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        if (runIds.Count == 0)
        {
            return [];
        }

        return await QueryAsync("UPDATE runs SET lease_until = @until WHERE run_id = ANY(@ids) AND lease_owner = @node RETURNING run_id",
            r => r.GetString(0), cancellationToken, TextArray("ids", [.. runIds]), Text("node", nodeId), Time("until", until)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReleaseRunLeaseAsync(string runId, string nodeId, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE runs SET lease_owner = NULL, lease_until = NULL WHERE run_id = @id AND lease_owner = @node", cancellationToken,
            Text("id", runId), Text("node", nodeId)).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetOrphanedRunsAsync(DateTimeOffset now, string nodeId, int max, CancellationToken cancellationToken) =>
        await QueryAsync(
            "SELECT run_id FROM runs WHERE status IN ('running', 'pending') AND (lease_until IS NULL OR lease_until <= @now OR lease_owner = @node) ORDER BY created_at LIMIT @max",
            r => r.GetString(0), cancellationToken, Time("now", now), Text("node", nodeId), Int("max", max)).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT record FROM runs WHERE run_id = @id", r => StoreJson.Read<RunRecord>(r.GetString(0)), cancellationToken, Text("id", runId))
            .ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<NpgsqlParameter> { Int("limit", query.Limit), Int("offset", query.Offset) };
        var sql = new StringBuilder("SELECT record FROM runs WHERE true");
        if (query.PipelineId is not null)
        {
            sql.Append(" AND pipeline_id = @p");
            parameters.Add(Text("p", query.PipelineId));
        }

        if (query.Status is { } status)
        {
            sql.Append(" AND status = @s");
            parameters.Add(Text("s", StoreJson.EnumName(status)));
        }

        sql.Append(" ORDER BY created_at DESC, run_id DESC LIMIT @limit OFFSET @offset");
        return await QueryAsync(sql.ToString(), r => StoreJson.Read<RunRecord>(r.GetString(0)), cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AppendJournalAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await ExecuteAsync(
            "INSERT INTO run_journal (run_id, step_index, item, invocation, result) VALUES (@id, @s, @i, @inv, @r) ON CONFLICT DO NOTHING", cancellationToken,
            Text("id", entry.RunId), Int("s", entry.StepIndex), Int("i", entry.Item), Json("inv", StoreJson.Write(entry.Invocation)),
            Json("r", entry.Result.GetRawText())).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string runId, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT step_index, item, invocation, result FROM run_journal WHERE run_id = @id ORDER BY step_index, item", r => new JournalEntry
        {
            RunId = runId,
            StepIndex = r.GetInt32(0),
            Item = r.GetInt32(1),
            Invocation = StoreJson.Read<InvocationRecord>(r.GetString(2)),
            Result = ReadElement(r.GetString(3)),
        }, cancellationToken, Text("id", runId)).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task SavePipelineAsync(PipelineDefinition pipeline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        await ExecuteAsync(
            "INSERT INTO pipelines (pipeline_id, definition) VALUES (@id, @d) ON CONFLICT (pipeline_id) DO UPDATE SET definition = excluded.definition",
            cancellationToken, Text("id", pipeline.Id), Json("d", StoreJson.Write(pipeline))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<PipelineDefinition?> GetPipelineAsync(string pipelineId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT definition FROM pipelines WHERE pipeline_id = @id", r => StoreJson.Read<PipelineDefinition>(r.GetString(0)), cancellationToken,
            Text("id", pipelineId)).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public async Task<IReadOnlyList<PipelineDefinition>> GetPipelinesAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT definition FROM pipelines ORDER BY pipeline_id", r => StoreJson.Read<PipelineDefinition>(r.GetString(0)), cancellationToken)
            .ConfigureAwait(false);
}
