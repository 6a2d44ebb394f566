using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Client.Http;

namespace CostOrchestrator.Client.Pipelines;

/// <summary>
/// <see cref="IPipelineRunGrain"/> over HTTP, keyed by a run id the node assigned. Runs are created with
/// <see cref="CostOrchestratorClient.SubmitRunAsync(PipelineDefinition, System.Text.Json.JsonElement?, bool, CancellationToken)"/>;
/// see <see cref="StartAsync"/> for why this reference cannot start one.
/// </summary>
internal sealed class HttpPipelineRunGrain(ApiConnection connection, string runId) : IPipelineRunGrain
{
    private string RunPath => "v1/runs/" + Uri.EscapeDataString(runId);

    /// <summary>
    /// Not supported: the node assigns run ids, so a reference keyed by an id cannot create the run of that id, and a
    /// submit that ignored the key would break this method's promise that a repeated call returns the existing run
    /// (it would start, and pay for, a second run).
    /// </summary>
    public Task<RunRecord> StartAsync(RunSubmission submission, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(
            "The node assigns run ids, so a run cannot be started through a reference keyed by one. "
            + "Use CostOrchestratorClient.SubmitRunAsync(...) and then GetGrain<IPipelineRunGrain>(record.RunId) to follow it.");

    public Task<RunRecord?> GetAsync(CancellationToken cancellationToken = default) =>
        connection.SendOrNotFoundAsync<RunRecord>(HttpMethod.Get, RunPath, null, idempotent: true, cancellationToken);

    public async Task<RunRecord?> WaitAsync(CancellationToken cancellationToken = default)
    {
        // The node answers a watch when the run changes (or after a while without change): no polling interval.
        var update = await WatchAsync(-1, cancellationToken).ConfigureAwait(false);
        while (update.Record is { Status: RunStatus.Pending or RunStatus.Running })
        {
            update = await WatchAsync(update.Revision, cancellationToken).ConfigureAwait(false);
        }

        return update.Record;
    }

    public async Task<RunUpdate> WatchAsync(long afterRevision, CancellationToken cancellationToken = default) =>
        await connection.SendOrNotFoundAsync<RunUpdate>(HttpMethod.Get, $"{RunPath}/updates?after={afterRevision}", null, idempotent: true, cancellationToken).ConfigureAwait(false)
        ?? new RunUpdate { Revision = 0 };

    public Task<RunRecord?> CancelAsync(CancellationToken cancellationToken = default) =>
        connection.SendOrNotFoundAsync<RunRecord>(HttpMethod.Post, RunPath + "/cancel", null, idempotent: true, cancellationToken);

    public Task<RunRecord?> ResumeAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(
            "Resuming a queued run is the cluster's job: a node resumes it when its budget window resets or its limit is raised "
            + "(raise it with IBudgetGovernorGrain.SetPolicyAsync).");

    /// <summary>Settlement is the nodes' own work: not available over HTTP.</summary>
    public Task AddSettledChargeAsync(Reservation settled, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Settled charges are added to runs by the nodes.");
}
