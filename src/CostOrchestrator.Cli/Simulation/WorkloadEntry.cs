using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>One pipeline of a workload: how many runs a day and what each run gets as input.</summary>
internal sealed record WorkloadEntry
{
    /// <summary>The pipeline as written (the cost-aware policy runs it unchanged).</summary>
    public required PipelineDefinition Pipeline { get; init; }

    /// <summary>Runs per day, cycled: entry <c>d % Count</c> is day <c>d</c>'s count.</summary>
    public required IReadOnlyList<int> PerDay { get; init; }

    /// <summary>Inputs cycled run by run; empty with <see cref="Generate"/> or for a pipeline that takes none.</summary>
    public IReadOnlyList<JsonElement> Inputs { get; init; } = [];

    /// <summary>Generated inputs, drawn with repeats.</summary>
    public InputGenerator? Generate { get; init; }

    public int RunsOn(int day) => PerDay[day % PerDay.Count];
}
