namespace CostOrchestrator.Providers;

/// <summary>The adapters of a node, by kind.</summary>
public sealed class ProviderAdapters
{
    private readonly Dictionary<string, IProviderAdapter> _byKind;

    /// <summary>Creates the set.</summary>
    public ProviderAdapters(IEnumerable<IProviderAdapter> adapters) =>
        _byKind = adapters.ToDictionary(a => a.Kind, StringComparer.Ordinal);

    /// <summary>Kinds served.</summary>
    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    /// <summary>The adapter for a kind, or null.</summary>
    public IProviderAdapter? For(string kind) => _byKind.GetValueOrDefault(kind);
}
