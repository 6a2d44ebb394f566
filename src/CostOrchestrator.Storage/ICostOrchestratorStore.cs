namespace CostOrchestrator.Storage;

/// <summary>
/// Everything a node persists. Two implementations: SQLite (embedded, one node) and PostgreSQL (cluster).
/// Both pass the same contract tests.
/// </summary>
public interface ICostOrchestratorStore : IRegistryStore, IBudgetStore, IRunStore, ICacheStore, IApiKeyStore, IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres".</summary>
    string Backend { get; }

    /// <summary>One round trip to the database: throws <see cref="StoreUnavailableException"/> when it does not answer.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>Creates or upgrades the schema. Safe to call from several nodes at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>A small key-value entry (for example, whether the store was seeded).</summary>
    Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken);

    /// <summary>Sets a key-value entry only if absent; true when this call set it.</summary>
    Task<bool> TrySetMetaAsync(string key, string value, CancellationToken cancellationToken);
}
