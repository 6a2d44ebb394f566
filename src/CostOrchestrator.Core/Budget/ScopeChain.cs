using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Core.Budget;

/// <summary>Builds the chain of scopes an invocation is charged to, broadest first.</summary>
public static class ScopeChain
{
    /// <summary>The global scope.</summary>
    public const string Global = "global";

    /// <summary>The kinds a scope may have (<c>kind:value</c>), broadest first: the order of a chain.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["org", "team", "project", "pipeline", "capability", "provider", "user", "work-item", "run"];

    /// <summary>How the accepted form reads in an error message.</summary>
    public static readonly string FormText = $"must be 'global' or 'kind:value' with kind one of {string.Join(", ", Kinds)}";

    /// <summary>
    /// global, org, team, project, pipeline, capability, provider, user, work item, run — each only when known.
    /// </summary>
    public static IReadOnlyList<string> For(
        PipelineScopes? scopes, string? pipelineId, string? capability, string? providerId, string? runId)
    {
        var chain = new List<string>(10) { Global };
        Add(chain, "org", scopes?.Org);
        Add(chain, "team", scopes?.Team);
        Add(chain, "project", scopes?.Project);
        Add(chain, "pipeline", pipelineId);
        Add(chain, "capability", capability);
        Add(chain, "provider", providerId);
        Add(chain, "user", scopes?.User);
        Add(chain, "work-item", scopes?.WorkItem);
        Add(chain, "run", runId);
        return chain;
    }

    /// <summary>True when <paramref name="scope"/> is a well-formed scope key (<c>global</c> or <c>kind:value</c>).</summary>
    public static bool IsValid(string? scope)
    {
        if (string.IsNullOrWhiteSpace(scope) || scope.Length > 200)
        {
            return false;
        }

        if (scope == Global)
        {
            return true;
        }

        var colon = scope.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < scope.Length - 1 && Rank(scope) >= 0 && scope.All(c => !char.IsWhiteSpace(c) && !char.IsControl(c));
    }

    /// <summary>
    /// The chain a caller is charged to: <paramref name="requested"/> plus every scope in <paramref name="required"/>
    /// (the scopes a caller's key is bound to) and <c>global</c>, each once, broadest first. A caller can add
    /// narrower scopes to what it must be charged to, never leave one out.
    /// </summary>
    public static IReadOnlyList<string> Complete(IEnumerable<string> requested, IEnumerable<string> required) =>
        [.. new[] { Global }.Concat(required).Concat(requested)
            .Distinct(StringComparer.Ordinal)
            .Select((scope, i) => (Scope: scope, Order: i))
            .OrderBy(s => s.Scope == Global ? -1 : Rank(s.Scope))
            .ThenBy(s => s.Order)
            .Select(s => s.Scope)];

    // The position of a scope's kind in Kinds; -1 for an unknown kind.
    private static int Rank(string scope)
    {
        var colon = scope.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? -1 : IndexOf(scope.AsSpan(0, colon));
    }

    private static int IndexOf(ReadOnlySpan<char> kind)
    {
        for (var i = 0; i < Kinds.Count; i++)
        {
            if (kind.SequenceEqual(Kinds[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static void Add(List<string> chain, string kind, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            chain.Add($"{kind}:{value}");
        }
    }
}
