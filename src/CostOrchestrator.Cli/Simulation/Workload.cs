using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Grains.Configuration;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>A workload file, read and checked: what runs each simulated day, on which registry and budgets.</summary>
internal sealed record Workload
{
    /// <summary>The file's name without extension (<c>reference-week</c>).</summary>
    public required string Name { get; init; }

    /// <summary>How many days are simulated.</summary>
    public required int Days { get; init; }

    /// <summary>Drives the generated inputs and each day's arrival order.</summary>
    public required long Seed { get; init; }

    /// <summary>The first simulated day, in the budgets' time zone.</summary>
    public required DateOnly Start { get; init; }

    /// <summary>The budgets' time zone: days start at its midnight, as budget windows do.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>The providers and their prices, as the registry file says.</summary>
    public required IReadOnlyList<ProviderRecord> Registry { get; init; }

    /// <summary>The budgets file, absolute; null runs without budgets.</summary>
    public string? BudgetsPath { get; init; }

    /// <summary>The budgets file, parsed.</summary>
    public BudgetsFile? Budgets { get; init; }

    /// <summary>The work, in the file's order.</summary>
    public required IReadOnlyList<WorkloadEntry> Work { get; init; }
}
