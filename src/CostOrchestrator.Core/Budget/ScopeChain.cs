using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Core.Budget;

/// <summary>Builds the chain of scopes an invocation is charged to, broadest first.</summary>
public static class ScopeChain
{
    /// <summary>The global scope.</summary>
    public const string Global = "global";

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
        return colon > 0 && colon < scope.Length - 1 && scope.All(c => !char.IsWhiteSpace(c) && !char.IsControl(c));
    }

    private static void Add(List<string> chain, string kind, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            chain.Add($"{kind}:{value}");
        }
    }
}
