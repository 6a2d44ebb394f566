using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Storage;
using CostOrchestrator.Storage.Common;
using Microsoft.Data.Sqlite;

namespace CostOrchestrator.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<bool> CreateRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return LockedAsync(async ct => await ExecuteAsync(null,
            "INSERT INTO runs (run_id, pipeline_id, status, created_at, record) VALUES ($id, $p, $s, $t, $r) ON CONFLICT (run_id) DO NOTHING", ct,
            ("$id", run.RunId), ("$p", run.PipelineId), ("$s", StoreJson.EnumName(run.Status)), ("$t", StoreTime.ToMicros(run.CreatedAt)), ("$r", StoreJson.Write(run))).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ClaimRunAsync(string runId, string owner, CancellationToken cancellationToken) =>
        LockedAsync(async ct => await ExecuteAsync(null, "UPDATE runs SET owner_activation = $owner WHERE run_id = $id", ct,
            ("$id", runId), ("$owner", owner)).ConfigureAwait(false) == 1, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SaveRunAsync(RunRecord run, string? owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return LockedAsync(async ct => await ExecuteAsync(null,
            "UPDATE runs SET status = $s, record = $r WHERE run_id = $id AND ($owner IS NULL OR owner_activation = $owner)", ct,
            ("$id", run.RunId), ("$s", StoreJson.EnumName(run.Status)), ("$r", StoreJson.Write(run)), ("$owner", owner)).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        LockedAsync(async ct => (await QueryAsync(null, "SELECT record FROM runs WHERE run_id = $id", r => StoreJson.Read<RunRecord>(r.GetString(0)), ct, ("$id", runId)).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = "SELECT record FROM runs WHERE 1 = 1"
            + (query.PipelineId is null ? string.Empty : " AND pipeline_id = $p")
            + (query.Status is null ? string.Empty : " AND status = $s")
            + (query.CreatedFrom is null ? string.Empty : " AND created_at >= $from")
            + (query.CreatedTo is null ? string.Empty : " AND created_at < $to")
            + " ORDER BY created_at DESC, run_id DESC LIMIT $limit OFFSET $offset";
        return LockedAsync<IReadOnlyList<RunRecord>>(async ct => await QueryAsync(null, sql, r => StoreJson.Read<RunRecord>(r.GetString(0)), ct,
            ("$p", query.PipelineId), ("$s", query.Status is { } s ? StoreJson.EnumName(s) : null),
            ("$from", query.CreatedFrom is { } f ? StoreTime.ToMicros(f) : null), ("$to", query.CreatedTo is { } t ? StoreTime.ToMicros(t) : null),
            ("$limit", query.Limit), ("$offset", query.Offset)).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task AppendJournalAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return LockedAsync(ct => InsertJournalAsync(null, entry, ct), cancellationToken);
    }

    // Idempotent: an entry already journaled (by a commit, or an earlier try) stays as it is.
    private Task<int> InsertJournalAsync(SqliteTransaction? tx, JournalEntry entry, CancellationToken ct) =>
        ExecuteAsync(tx,
            "INSERT INTO run_journal (run_id, step_index, item, invocation, result) VALUES ($id, $s, $i, $inv, $r) ON CONFLICT DO NOTHING", ct,
            ("$id", entry.RunId), ("$s", entry.StepIndex), ("$i", entry.Item), ("$inv", StoreJson.Write(entry.Invocation)), ("$r", entry.Result.GetRawText()));

    /// <inheritdoc />
    public Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string runId, CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<JournalEntry>>(async ct => await QueryAsync(null,
            "SELECT step_index, item, invocation, result FROM run_journal WHERE run_id = $id ORDER BY step_index, item", r => new JournalEntry
            {
                RunId = runId,
                StepIndex = r.GetInt32(0),
                Item = r.GetInt32(1),
                Invocation = StoreJson.Read<InvocationRecord>(r.GetString(2)),
                Result = JsonDocument.Parse(r.GetString(3)).RootElement.Clone(),
            }, ct, ("$id", runId)).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc />
    public Task SavePipelineAsync(PipelineDefinition pipeline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return LockedAsync(async ct => await ExecuteAsync(null,
            "INSERT INTO pipelines (pipeline_id, definition) VALUES ($id, $d) ON CONFLICT (pipeline_id) DO UPDATE SET definition = excluded.definition", ct,
            ("$id", pipeline.Id), ("$d", StoreJson.Write(pipeline))).ConfigureAwait(false), cancellationToken);
    }

    /// <inheritdoc />
    public Task<PipelineDefinition?> GetPipelineAsync(string pipelineId, CancellationToken cancellationToken) =>
        LockedAsync(async ct => (await QueryAsync(null, "SELECT definition FROM pipelines WHERE pipeline_id = $id", r => StoreJson.Read<PipelineDefinition>(r.GetString(0)), ct, ("$id", pipelineId)).ConfigureAwait(false)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PipelineDefinition>> GetPipelinesAsync(CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<PipelineDefinition>>(async ct => await QueryAsync(null, "SELECT definition FROM pipelines ORDER BY pipeline_id", r => StoreJson.Read<PipelineDefinition>(r.GetString(0)), ct).ConfigureAwait(false),
            cancellationToken);
}
