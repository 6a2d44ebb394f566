namespace CostOrchestrator.Abstractions.Registry;

/// <summary>A silo's copy of the registry, told of every change by the registry grain.</summary>
public interface IRegistryObserver : IGrainObserver
{
    /// <summary>The registry changed; <paramref name="snapshot"/> is its new state.</summary>
    Task OnChangedAsync(RegistrySnapshot snapshot);
}
