using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Runtime.Storage;

/// <summary>Runs, their step journal, and stored pipeline definitions.</summary>
public interface IRunStore
{
    /// <summary>Inserts a run; false when the id exists.</summary>
    Task<bool> CreateRunAsync(RunRecord run, CancellationToken cancellationToken);

    /// <summary>Replaces a run's record.</summary>
    Task SaveRunAsync(RunRecord run, CancellationToken cancellationToken);

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
