namespace CostOrchestrator.Storage;

/// <summary>
/// The epoch a scope's governor activation claimed. A reservation carries one per scope whose governor approved
/// it; the store writes the reservation only if every scope's epoch is still current, so a stale or duplicate
/// activation can never make a decision durable.
/// </summary>
public sealed record GovernorFence(string Scope, long Epoch);
