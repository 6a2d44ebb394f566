using System.Text.Json;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>
/// One invocation of a run, journaled before the run moves on. A paid invocation's entry is written in the same
/// transaction as its charge, so a resumed run replays it instead of calling the provider again.
/// </summary>
[GenerateSerializer, Immutable, Alias("costorch.JournalEntry")]
public sealed record JournalEntry
{
    /// <summary>The run.</summary>
    [Id(0)]
    public required string RunId { get; init; }

    /// <summary>The step's index in the pipeline.</summary>
    [Id(1)]
    public required int StepIndex { get; init; }

    /// <summary>The fan-out item (0 for a step without <c>for_each</c>).</summary>
    [Id(2)]
    public required int Item { get; init; }

    /// <summary>What the invocation did and cost.</summary>
    [Id(3)]
    public required InvocationRecord Invocation { get; init; }

    /// <summary>Its result.</summary>
    [Id(4)]
    public required JsonElement Result { get; init; }
}
