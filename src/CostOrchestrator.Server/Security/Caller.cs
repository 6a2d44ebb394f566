using CostOrchestrator.Abstractions.Security;

namespace CostOrchestrator.Server.Security;

/// <summary>Who is calling: the admin (token), a scoped API key, or nobody.</summary>
public sealed record Caller
{
    /// <summary>No credential.</summary>
    public static Caller Anonymous { get; } = new();

    /// <summary>Holds the admin token.</summary>
    public bool IsAdmin { get; init; }

    /// <summary>The API key used, if any.</summary>
    public ApiKey? Key { get; init; }

    /// <summary>True for the admin or a valid key.</summary>
    public bool IsAuthenticated => IsAdmin || Key is not null;

    /// <summary>
    /// Where this caller's idempotency keys live: each API key's apart from every other's and from the admin's, so a
    /// caller can never read, claim or collide with a reservation another caller made under the same key.
    /// </summary>
    public string IdempotencyNamespace => Key is { } key ? $"{KeyNamespacePrefix}{key.KeyId}/" : AdminNamespace;

    private const string AdminNamespace = "admin/";
    private const string KeyNamespacePrefix = "key:";

    /// <summary>An idempotency key as its caller sent it: <paramref name="stored"/> without the namespace it was kept in.</summary>
    public static string WithoutNamespace(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.StartsWith(AdminNamespace, StringComparison.Ordinal) ? stored[AdminNamespace.Length..]
            : stored.StartsWith(KeyNamespacePrefix, StringComparison.Ordinal) && stored.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash ? stored[(slash + 1)..]
            : stored;
    }

    // Kinds a key is bound by: a key for team:media may not name another team, org, project, user or work item.
    private static readonly string[] _boundKinds = ["org", "team", "project", "user", "work-item"];

    /// <summary>True when the caller may read a scope's budget.</summary>
    public bool CanRead(string scope) => IsAdmin || (Key is { } key && key.Scopes.Contains(scope, StringComparer.Ordinal));

    /// <summary>
    /// True when the caller may charge a chain: the admin always; a key when the chain names at least one of its
    /// scopes and every org/team/project/user/work-item scope in it is one of the key's.
    /// </summary>
    public bool CanCharge(IReadOnlyList<string> chain)
    {
        if (IsAdmin)
        {
            return true;
        }

        if (Key is not { } key)
        {
            return false;
        }

        return chain.Any(s => key.Scopes.Contains(s, StringComparer.Ordinal))
            && chain.Where(IsBound).All(s => key.Scopes.Contains(s, StringComparer.Ordinal));
    }

    /// <summary>True for org/team/project/user/work-item scopes.</summary>
    public static bool IsBound(string scope) => _boundKinds.Any(kind => scope.StartsWith(kind + ":", StringComparison.Ordinal));
}
