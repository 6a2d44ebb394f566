using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Storage;

/// <summary>
/// One completed invocation of a run, written before the run moves on. A resumed run replays the
/// journal instead of invoking again, so nothing is invoked or charged twice.
/// </summary>
public sealed record JournalEntry
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>The step's index.</summary>
    public required int StepIndex { get; init; }

    /// <summary>The fan-out item (0 without fan-out).</summary>
    public required int Item { get; init; }

    /// <summary>The invocation.</summary>
    public required InvocationRecord Invocation { get; init; }

    /// <summary>Its output.</summary>
    public required JsonElement Result { get; init; }
}
