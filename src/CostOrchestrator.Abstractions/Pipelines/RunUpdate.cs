namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>
/// A run's record as of one revision: what <see cref="IPipelineRunGrain.WatchAsync"/> answers, so a watcher can ask
/// for the next change after the one it has. Revisions count changes within one activation of the run; a watcher
/// holding a revision from an earlier activation is answered at once with the current record.
/// </summary>
[GenerateSerializer, Immutable, Alias("costorch.RunUpdate")]
public sealed record RunUpdate
{
    /// <summary>The change this record is as of.</summary>
    [Id(0)]
    public required long Revision { get; init; }

    /// <summary>The run's record, or null when no such run exists.</summary>
    [Id(1)]
    public RunRecord? Record { get; init; }
}
