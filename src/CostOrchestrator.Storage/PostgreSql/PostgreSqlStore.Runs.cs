using System.Text;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Storage;
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
    public async Task<bool> ClaimRunAsync(string runId, string owner, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE runs SET owner_activation = @owner WHERE run_id = @id", cancellationToken,
            Text("id", runId), Text("owner", owner)).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async Task<bool> SaveRunAsync(RunRecord run, string? owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);

        // Replaces an existing run only (runs come into being through CreateRunAsync); with an owner, only while it is the claimed writer.
        return await ExecuteAsync("UPDATE runs SET status = @s, record = @r WHERE run_id = @id AND (@owner::text IS NULL OR owner_activation = @owner)", cancellationToken,
            Text("id", run.RunId), Text("s", StoreJson.EnumName(run.Status)), Json("r", StoreJson.Write(run)), Text("owner", owner)).ConfigureAwait(false) == 1;
    }

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

        if (query.CreatedFrom is { } from)
        {
            sql.Append(" AND created_at >= @from");
            parameters.Add(Time("from", from));
        }

        if (query.CreatedTo is { } to)
        {
            sql.Append(" AND created_at < @to");
            parameters.Add(Time("to", to));
        }

        sql.Append(" ORDER BY created_at DESC, run_id DESC LIMIT @limit OFFSET @offset");
        return await QueryAsync(sql.ToString(), r => StoreJson.Read<RunRecord>(r.GetString(0)), cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AppendJournalAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await ExecuteAsync(InsertJournalSql, cancellationToken, JournalParameters(entry)).ConfigureAwait(false);
    }

    // Idempotent: an entry already journaled (by a commit, or an earlier try) stays as it is.
    private const string InsertJournalSql =
        "INSERT INTO run_journal (run_id, step_index, item, invocation, result) VALUES (@id, @s, @i, @inv, @r) ON CONFLICT DO NOTHING";

    private static NpgsqlParameter[] JournalParameters(JournalEntry entry) =>
    [
        Text("id", entry.RunId), Int("s", entry.StepIndex), Int("i", entry.Item), Json("inv", StoreJson.Write(entry.Invocation)), Json("r", entry.Result.GetRawText()),
    ];

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
