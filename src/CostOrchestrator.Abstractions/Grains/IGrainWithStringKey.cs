namespace CostOrchestrator.Abstractions.Grains;

/// <summary>
/// Marks a grain interface whose activations are addressed by a string key, as in Orleans.
/// The runtime keeps at most one activation per key per node and runs one call at a time on it.
/// </summary>
public interface IGrainWithStringKey
{
}
