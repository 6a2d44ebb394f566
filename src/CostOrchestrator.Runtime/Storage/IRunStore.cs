using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Runtime.Storage;

/// <summary>Runs, their step journal, and stored pipeline definitions.</summary>
public interface IRunStore
{
    /// <summary>Inserts a run; false when the id exists.</summary>
    Task<bool> CreateRunAsync(RunRecord run, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a run's record. With <paramref name="leaseOwner"/>, only while that node holds the run's lease
    /// (fencing: a node that lost its lease cannot overwrite the new owner's progress); false when refused.
    /// </summary>
    Task<bool> SaveRunAsync(RunRecord run, string? leaseOwner, CancellationToken cancellationToken);

    /// <summary>Takes a run's lease until <paramref name="until"/> if it is free, expired at <paramref name="now"/>, or already ours.</summary>
    Task<bool> TryAcquireRunLeaseAsync(string runId, string nodeId, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Extends the leases this node still holds; returns the run ids it renewed (a missing id was lost).</summary>
    Task<IReadOnlyList<string>> RenewRunLeasesAsync(string nodeId, IReadOnlyCollection<string> runIds, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives a lease back (the run finished or parked).</summary>
    Task ReleaseRunLeaseAsync(string runId, string nodeId, CancellationToken cancellationToken);

    /// <summary>
    /// Running or pending runs whose lease is missing, expired at <paramref name="now"/> (their node died), or held by
    /// <paramref name="nodeId"/> itself (a previous incarnation of this node that stopped without handing them back).
    /// </summary>
    Task<IReadOnlyList<string>> GetOrphanedRunsAsync(DateTimeOffset now, string nodeId, int max, CancellationToken cancellationToken);

    /// <summary>A run, or null.</summary>
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Runs, newest first.</summary>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>Appends a journal entry; a repeated (run, step, item) is ignored.</summary>
    Task AppendJournalAsync(JournalEntry entry, CancellationToken cancellationToken);

    /// <summary>A run's journal in step and item order.</summary>
    Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Stores a pipeline definition under its id.</summary>
    Task SavePipelineAsync(PipelineDefinition pipeline, CancellationToken cancellationToken);

    /// <summary>A stored pipeline.</summary>
    Task<PipelineDefinition?> GetPipelineAsync(string pipelineId, CancellationToken cancellationToken);

    /// <summary>Every stored pipeline.</summary>
    Task<IReadOnlyList<PipelineDefinition>> GetPipelinesAsync(CancellationToken cancellationToken);
}
