namespace CostOrchestrator.Abstractions.Registry;

/// <summary>A provider's availability as the router sees it.</summary>
[GenerateSerializer, Alias("costorch.ProviderHealth")]
public enum ProviderHealth
{
    /// <summary>Serving normally.</summary>
    Healthy,

    /// <summary>Serving, but failing or slow; still routable, ranked after healthy peers at equal cost.</summary>
    Degraded,

    /// <summary>Not routable: marked down by an operator, a failed health check or an open circuit breaker.</summary>
    Down,
}
