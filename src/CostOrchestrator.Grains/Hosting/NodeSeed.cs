using CostOrchestrator.Grains.Configuration;

namespace CostOrchestrator.Grains.Hosting;

/// <summary>The profile that seeds an empty store when the silo becomes active (none: start empty).</summary>
public sealed record NodeSeed(NodeProfile? Profile);
