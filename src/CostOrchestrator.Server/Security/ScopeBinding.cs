using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Server.Security;

/// <summary>
/// Fills a request's organisational scopes from the caller's key: a key bound to <c>team:media</c> charges
/// <c>team:media</c>, and a request naming another team is refused rather than silently re-attributed.
/// </summary>
public static class ScopeBinding
{
    public static (PipelineScopes? Scopes, string? Error) Apply(PipelineScopes? requested, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var scopes = requested ?? new PipelineScopes();
        if (caller.Key is not { } key)
        {
            return (scopes, null);
        }

        string? Bind(string kind, string? value, out string? error)
        {
            error = null;
            var bound = key.Scopes.Where(s => s.StartsWith(kind + ":", StringComparison.Ordinal)).Select(s => s[(kind.Length + 1)..]).ToList();
            if (value is null)
            {
                return bound.Count == 1 ? bound[0] : null;
            }

            if (bound.Count > 0 && !bound.Contains(value, StringComparer.Ordinal))
            {
                error = $"this key may not charge {kind}:{value}";
            }

            return value;
        }

        var result = new PipelineScopes
        {
            Org = Bind("org", scopes.Org, out var e1),
            Team = Bind("team", scopes.Team, out var e2),
            Project = Bind("project", scopes.Project, out var e3),
            User = Bind("user", scopes.User, out var e4),
            WorkItem = Bind("work-item", scopes.WorkItem, out var e5),
        };
        var error = e1 ?? e2 ?? e3 ?? e4 ?? e5;
        return error is null ? (result, null) : (null, error);
    }
}
