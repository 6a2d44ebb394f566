namespace CostOrchestrator.Storage;

/// <summary>The content-addressed result cache.</summary>
public interface ICacheStore
{
    /// <summary>An unexpired entry, or null.</summary>
    Task<CacheEntry?> GetCacheAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Stores or replaces an entry.</summary>
    Task PutCacheAsync(CacheEntry entry, CancellationToken cancellationToken);
}
