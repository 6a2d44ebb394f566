namespace CostOrchestrator.Bench.Governor;

/// <summary>The limited scopes a governor figure's callers reserve on, and which one each call picks.</summary>
internal sealed record ScopeSet(string Label, IReadOnlyList<string> Scopes)
{
    /// <summary>Every caller on the same limited scope: the hot row of a budget.</summary>
    public static ScopeSet Hot { get; } = new("one hot scope", ["team:hot"]);

    /// <summary>Calls spread over 1,000 limited scopes.</summary>
    public static ScopeSet Thousand { get; } = new("1,000 scopes", [.. Enumerable.Range(0, 1000).Select(i => $"team:s{i:0000}")]);

    /// <summary>The scope of a caller's n-th call: callers start at different scopes and walk them all.</summary>
    public string Pick(int caller, long iteration) => Scopes[(int)((caller * 7919L + iteration) % Scopes.Count)];
}
