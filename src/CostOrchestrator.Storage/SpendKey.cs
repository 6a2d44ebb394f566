using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Storage;

/// <summary>Identifies a spend row: one scope window.</summary>
public sealed record SpendKey(string Scope, WindowKind Window, DateTimeOffset WindowStart);
