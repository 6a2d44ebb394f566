using System.Text.Json;

namespace CostOrchestrator.Storage;

/// <summary>A cached invocation result, addressed by content.</summary>
public sealed record CacheEntry
{
    /// <summary>SHA-256 of capability and canonical inputs.</summary>
    public required string Key { get; init; }

    /// <summary>The capability.</summary>
    public required string Capability { get; init; }

    /// <summary>The provider that produced it.</summary>
    public required string ProviderId { get; init; }

    /// <summary>The output.</summary>
    public required JsonElement Result { get; init; }

    /// <summary>What producing it cost: what each hit saves.</summary>
    public required decimal CostCents { get; init; }

    /// <summary>When stored.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it stops being served; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
