namespace CostOrchestrator.Storage;

/// <summary>What has been charged and reserved in one scope window.</summary>
public sealed record SpendRow(SpendKey Key, decimal ChargedCents, decimal ReservedCents);
