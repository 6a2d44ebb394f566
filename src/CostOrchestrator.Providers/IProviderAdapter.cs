namespace CostOrchestrator.Providers;

/// <summary>Calls the outside world for one kind of provider.</summary>
public interface IProviderAdapter
{
    /// <summary>The registry's <c>kind</c> this adapter serves.</summary>
    string Kind { get; }

    /// <summary>Invokes the provider. Expected failures come back as values, not exceptions.</summary>
    Task<ProviderOutcome> InvokeAsync(ProviderCall call, CancellationToken cancellationToken);

    /// <summary>An active check: can the provider serve now?</summary>
    Task<ProviderHealthReport> CheckHealthAsync(Abstractions.Registry.ProviderRecord provider, CancellationToken cancellationToken);
}
