namespace CostOrchestrator.Providers;

/// <summary>The result of an active health check.</summary>
/// <param name="Healthy">True when the provider can serve.</param>
/// <param name="Reason">Why not.</param>
public sealed record ProviderHealthReport(bool Healthy, string? Reason = null);
