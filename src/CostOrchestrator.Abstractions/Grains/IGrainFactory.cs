namespace CostOrchestrator.Abstractions.Grains;

/// <summary>Hands out references to grains; calls on a reference are queued to the grain's activation.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of type <typeparamref name="TGrain"/> with the given key.</summary>
    /// <typeparam name="TGrain">A grain interface deriving from <see cref="IGrainWithStringKey"/>.</typeparam>
    /// <param name="key">The grain's key, e.g. a scope (<c>team:media</c>) or a run id.</param>
    TGrain GetGrain<TGrain>(string key) where TGrain : class, IGrainWithStringKey;
}
