using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>A run of a simulation, as its record ended, with the workload entry it came from.</summary>
internal sealed record SimulatedRun(int WorkIndex, RunRecord Record);

/// <summary>What one policy's node recorded: every run, and every ledger entry it charged.</summary>
internal sealed record PolicyRun
{
    public required SimulationPolicy Policy { get; init; }

    /// <summary>In submission order.</summary>
    public required IReadOnlyList<SimulatedRun> Runs { get; init; }

    public required IReadOnlyList<LedgerEntry> Ledger { get; init; }
}
