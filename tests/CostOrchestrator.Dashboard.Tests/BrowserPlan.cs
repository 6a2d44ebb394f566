namespace CostOrchestrator.Dashboard.Tests;

/// <summary>
/// The steps <c>browser/dashboard-check.mjs</c> performs, in order; each step's <c>id</c> names its result. Waiting
/// steps poll with a deadline in the browser. "{{name.path}}" in a later step is what a step with <c>save</c> returned.
/// </summary>
public sealed class BrowserPlan
{
    private readonly List<Dictionary<string, object?>> _steps = [];

    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Steps => _steps;

    public BrowserPlan Login(string? token = null, string id = "login") => Add(id, "login", ("token", token));

    public BrowserPlan Tab(string name) => Add($"tab-{name}", "tab", ("name", name));

    public BrowserPlan Click(string selector, string? id = null) => Add(id ?? $"click {selector}", "click", ("selector", selector));

    public BrowserPlan Fill(string selector, string value, string? id = null) => Add(id ?? $"fill {selector}", "fill", ("selector", selector), ("value", value));

    public BrowserPlan Select(string selector, string value, string? id = null) => Add(id ?? $"select {selector}", "select", ("selector", selector), ("value", value));

    public BrowserPlan WaitFor(string selector, string state = "visible", string? id = null) =>
        Add(id ?? $"wait {state} {selector}", "waitFor", ("selector", selector), ("state", state));

    public BrowserPlan Text(string id, string selector) => Add(id, "text", ("selector", selector));

    public BrowserPlan Texts(string id, string selector, int? min = null) => Add(id, "texts", ("selector", selector), ("min", min));

    public BrowserPlan Attrs(string id, string selector, string attribute) => Add(id, "attrs", ("selector", selector), ("name", attribute));

    public BrowserPlan Count(string id, string selector) => Add(id, "count", ("selector", selector));

    public BrowserPlan WaitText(string id, string selector, string? equals = null, string? contains = null, int timeoutMs = 20_000) =>
        Add(id, "waitText", ("selector", selector), ("equals", equals), ("contains", contains), ("timeoutMs", timeoutMs));

    public BrowserPlan WaitCount(string id, string selector, int? min = null, int? max = null, int timeoutMs = 20_000) =>
        Add(id, "waitCount", ("selector", selector), ("min", min), ("max", max), ("timeoutMs", timeoutMs));

    public BrowserPlan Request(string id, string method, string path, object? body, string? token = null, int? expectStatus = null) =>
        Add(id, "request", ("method", method), ("path", path), ("body", body), ("token", token), ("expectStatus", expectStatus), ("save", id));

    public BrowserPlan Mark(string id = "mark") => Add(id, "mark", ("save", id));

    public BrowserPlan SameDocument(string id, string markId = "mark") => Add(id, "sameDocument", ("mark", $"{{{{{markId}}}}}"));

    public BrowserPlan ClearSession() => Add("clear-session", "clearSession");

    /// <summary>Clicks a link that opens a new tab, waits there for <paramref name="waitFor"/>, screenshots the tab as <paramref name="screenshot"/>.</summary>
    public BrowserPlan Popup(string id, string selector, string waitFor, string screenshot) =>
        Add(id, "popup", ("selector", selector), ("waitFor", waitFor), ("name", screenshot));

    public BrowserPlan Screenshot(string name) => Add($"screenshot {name}", "screenshot", ("name", name));

    private BrowserPlan Add(string id, string op, params (string Key, object? Value)[] values)
    {
        var step = new Dictionary<string, object?> { ["id"] = id, ["op"] = op };
        foreach (var (key, value) in values)
        {
            if (value is not null)
            {
                step[key] = value;
            }
        }

        _steps.Add(step);
        return this;
    }
}
