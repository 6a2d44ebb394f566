namespace CostOrchestrator.Abstractions.Security;

/// <summary>An API key as the store and the admin API know it: never the secret, only its hash.</summary>
[GenerateSerializer, Immutable, Alias("costorch.ApiKey")]
public sealed record ApiKey
{
    /// <summary>The key's id (<c>key_...</c>), also the first part of the secret.</summary>
    [Id(0)]
    public required string KeyId { get; init; }

    /// <summary>A label for humans.</summary>
    [Id(1)]
    public required string Name { get; init; }

    /// <summary>The scopes the key may read and charge (<c>team:media</c>, <c>user:u42</c>, ...).</summary>
    [Id(2)]
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>When created.</summary>
    [Id(3)]
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When revoked; a revoked key authenticates nothing.</summary>
    [Id(4)]
    public DateTimeOffset? RevokedAt { get; init; }
}
