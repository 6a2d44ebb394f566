using System.Text.Json;

namespace CostOrchestrator.Dashboard.Tests;

/// <summary>What <c>dashboard-check.mjs</c> printed: one result per step, console errors, requests that left the node.</summary>
public sealed class BrowserResult(JsonElement json, string stderr)
{
    public JsonElement Json { get; } = json;

    public IReadOnlyList<string> ConsoleErrors => Json.TryGetProperty("consoleErrors", out var errors) ? errors.EnumerateArray().Select(e => e.GetString()!).ToList() : [];

    public IReadOnlyList<string> ExternalRequests => Json.TryGetProperty("externalRequests", out var requests) ? requests.EnumerateArray().Select(e => e.GetString()!).ToList() : [];

    /// <summary>Fails with the first failed step (its error and the screenshot taken) unless every step passed.</summary>
    public BrowserResult AssertOk()
    {
        if (Json.TryGetProperty("error", out var error))
        {
            Assert.Fail($"dashboard-check.mjs did not run: {error.GetString()}\n{stderr}");
        }

        var failed = Json.GetProperty("results").EnumerateArray().FirstOrDefault(r => !r.GetProperty("ok").GetBoolean());
        if (failed.ValueKind != JsonValueKind.Undefined)
        {
            Assert.Fail($"browser step '{failed.GetProperty("id").GetString()}' failed: {failed.GetProperty("error")}\nconsole errors: {string.Join("\n", ConsoleErrors)}\nscreenshots: {Json.GetProperty("screenshots")}\n{stderr}");
        }

        // The page handles refused requests itself (a 401 at sign-in, a 403 on the admin probe, a refused action); anything
        // else on the console (an exception, a CSP violation) is a defect.
        Assert.DoesNotContain(ConsoleErrors, e => !e.StartsWith("Failed to load resource: the server responded with a status of 4", StringComparison.Ordinal));
        Assert.Empty(ExternalRequests);
        return this;
    }

    public JsonElement Value(string id)
    {
        foreach (var result in Json.GetProperty("results").EnumerateArray())
        {
            if (result.GetProperty("id").GetString() == id)
            {
                return result.TryGetProperty("value", out var value) ? value : throw new InvalidOperationException($"step '{id}' returned nothing");
            }
        }

        throw new InvalidOperationException($"no step '{id}'");
    }

    public string Text(string id) => Value(id).GetString()!;

    public int Number(string id) => Value(id).GetInt32();

    public IReadOnlyList<string> Strings(string id) => Value(id).EnumerateArray().Select(v => v.GetString()!).ToList();
}
