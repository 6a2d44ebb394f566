using CostOrchestrator.Abstractions.Alerts;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Core.Alerts;

/// <summary>What the alert rules look at, read at one moment.</summary>
public sealed record AlertSnapshot
{
    /// <summary>When it was read (the node's clock).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The start of the node's calendar day the non-budget alerts fire in.</summary>
    public required DateTimeOffset DayStart { get; init; }

    /// <summary>That day as a window key (<c>day:2026-03-10</c>).</summary>
    public string Day => "day:" + DayStart.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every scope with a policy.</summary>
    public IReadOnlyList<ScopeBudget> Budgets { get; init; } = [];

    /// <summary>For each exhausted window (<see cref="AlertRules.BreakdownKey"/>): cents per capability and per provider.</summary>
    public IReadOnlyDictionary<string, SpendBreakdown> Breakdowns { get; init; } = new Dictionary<string, SpendBreakdown>();

    /// <summary>Recently finished runs, oldest first.</summary>
    public IReadOnlyList<RunRecord> Runs { get; init; } = [];

    /// <summary>Every registered provider.</summary>
    public IReadOnlyList<ProviderRecord> Providers { get; init; } = [];

    /// <summary>The thresholds and webhooks in force.</summary>
    public AlertSettings Settings { get; init; } = new();
}

/// <summary>Where a window's spend went.</summary>
public sealed record SpendBreakdown(IReadOnlyDictionary<string, decimal> ByCapability, IReadOnlyDictionary<string, decimal> ByProvider);

/// <summary>A condition that holds now: an alert is open for it, or fires.</summary>
public sealed record AlertCondition(string Kind, string Subject, string Window, string Message, IReadOnlyDictionary<string, object?> Details)
{
    /// <summary>Kind, subject and window: an alert fires once per key.</summary>
    public string Key => AlertRules.Key(Kind, Subject, Window);
}
