using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Server.Http;

/// <summary>
/// The request headers the gateway and <c>/v1/invoke</c> read, each checked: a value we do not understand is an error
/// naming the header, never silently ignored (a typo in <c>X-Budget-Scope</c> would otherwise charge other scopes).
/// </summary>
public static class RequestHeaders
{
    public const string IdempotencyKey = "Idempotency-Key";
    public const string BudgetScope = "X-Budget-Scope";
    public const string TaskComplexity = "X-Task-Complexity";
    public const string Cache = "X-Cache";

    /// <summary>The caller's <c>Idempotency-Key</c>, or a fresh one when none was sent (the call is then not replayable).</summary>
    public static (string Key, HeaderError? Error) IdempotencyKeyOrNew(HttpRequest request)
    {
        var (value, error) = Single(request, IdempotencyKey);
        if (error is not null || value is null)
        {
            return (Guid.NewGuid().ToString("N"), error);
        }

        return IdempotencyKeys.IsValid(value) ? (value, null) : (value, new HeaderError(IdempotencyKey, IdempotencyKeys.RuleText));
    }

    /// <summary><c>X-Task-Complexity: simple|moderate|complex</c>, or null when absent.</summary>
    public static (TaskComplexity? Complexity, HeaderError? Error) Complexity(HttpRequest request)
    {
        var (value, error) = Single(request, TaskComplexity);
        return value switch
        {
            null => (null, error),
            "simple" => (Abstractions.Pipelines.TaskComplexity.Simple, null),
            "moderate" => (Abstractions.Pipelines.TaskComplexity.Moderate, null),
            "complex" => (Abstractions.Pipelines.TaskComplexity.Complex, null),
            _ => (null, new HeaderError(TaskComplexity, $"'{value}' must be simple, moderate or complex")),
        };
    }

    /// <summary><c>X-Cache: on|off</c> (default on).</summary>
    public static (bool UseCache, HeaderError? Error) UseCache(HttpRequest request)
    {
        var (value, error) = Single(request, Cache);
        return value switch
        {
            null => (true, error),
            "on" => (true, null),
            "off" => (false, null),
            _ => (true, new HeaderError(Cache, $"'{value}' must be on or off")),
        };
    }

    /// <summary>
    /// <c>X-Budget-Scope: team:red, project:x</c> (one header or several): the narrower scopes a call adds to its
    /// chain, each kind at most once. Whether the caller's key may charge them is decided after, by the key's binding.
    /// </summary>
    public static (PipelineScopes Scopes, HeaderError? Error) BudgetScopes(HttpRequest request)
    {
        var scopes = new PipelineScopes();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scope in request.Headers[BudgetScope].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var colon = scope.IndexOf(':', StringComparison.Ordinal);
            var kind = colon > 0 ? scope[..colon] : scope;
            var value = colon > 0 ? scope[(colon + 1)..] : string.Empty;
            PipelineScopes? next = ScopeChain.IsValid(scope) ? kind switch
            {
                "org" => scopes with { Org = value },
                "team" => scopes with { Team = value },
                "project" => scopes with { Project = value },
                "user" => scopes with { User = value },
                "work-item" => scopes with { WorkItem = value },
                _ => null,
            } : null;
            if (next is null)
            {
                return (scopes, new HeaderError(BudgetScope, $"'{scope}' must be org:, team:, project:, user: or work-item: followed by a value"));
            }

            if (!seen.Add(kind))
            {
                return (scopes, new HeaderError(BudgetScope, $"names {kind}: more than once"));
            }

            scopes = next;
        }

        return (scopes, null);
    }

    // Several values of a header that takes one (two Idempotency-Key headers) are ambiguous: refuse rather than pick.
    private static (string? Value, HeaderError? Error) Single(HttpRequest request, string name)
    {
        var values = request.Headers[name];
        return values.Count switch
        {
            0 => (null, null),
            1 => (values[0], null),
            _ => (null, new HeaderError(name, "must be sent once")),
        };
    }
}

/// <summary>A header whose value was refused, and why.</summary>
public sealed record HeaderError(string Header, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Header} {Message}";
}
