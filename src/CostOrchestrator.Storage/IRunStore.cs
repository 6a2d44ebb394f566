using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Storage;

/// <summary>Runs, their step journal, and stored pipeline definitions.</summary>
public interface IRunStore
{
    /// <summary>Inserts a run; false when the id exists.</summary>
    Task<bool> CreateRunAsync(RunRecord run, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="owner"/> (a grain activation) the run's only writer from now on, whoever wrote before.
    /// Orleans activates a run's grain once in the cluster; should a stale duplicate activation survive a membership
    /// change, its next <see cref="SaveRunAsync"/> is refused. False when the run does not exist.
    /// </summary>
    Task<bool> ClaimRunAsync(string runId, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a run's record. With <paramref name="owner"/>, only while that activation is the run's claimed writer
    /// (fencing: an activation that was superseded cannot overwrite its successor's progress); false when refused.
    /// </summary>
    Task<bool> SaveRunAsync(RunRecord run, string? owner, CancellationToken cancellationToken);

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
