using System.Diagnostics;
using System.Text.Json;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Dashboard.Tests;

/// <summary>
/// Runs <c>browser/dashboard-check.mjs</c> (playwright-core driving Debian's chromium) as a child process. Without
/// chromium, node or the node modules the test is skipped locally with the command that installs them, and fails
/// under CI, where they must be present.
/// </summary>
public static class BrowserCheck
{
    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "tests", "CostOrchestrator.Dashboard.Tests", "browser");

    public static string Chromium => Environment.GetEnvironmentVariable("COSTORCH_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Screenshots of every browser test, under test-output/dashboard/.</summary>
    public static string Screenshots => RepositoryPaths.TestOutput("dashboard");

    public static async Task<BrowserResult> RunAsync(Uri dashboard, string token, BrowserPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        ArgumentNullException.ThrowIfNull(plan);
        var node = RequireTools();
        var input = JsonSerializer.Serialize(new { url = dashboard.ToString(), token, steps = plan.Steps });
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Folder, "dashboard-check.mjs"));
        start.ArgumentList.Add(Screenshots);
        start.Environment["COSTORCH_CHROMIUM"] = Chromium;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
        process.StandardInput.Close();

        // Every step has its own deadline in the script; this bounds the whole run should the browser hang.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout;
        var errors = await stderr;
        var lastLine = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        Assert.True(lastLine is not null && lastLine.StartsWith('{'), $"dashboard-check.mjs printed no result (exit {process.ExitCode}):\n{output}\n{errors}");
        return new BrowserResult(JsonDocument.Parse(lastLine).RootElement.Clone(), errors);
    }

    /// <summary>The path of node; skips (or, under CI, fails) when chromium, node or playwright-core is missing.</summary>
    private static string RequireTools()
    {
        var missing = new List<string>();
        var node = FindOnPath("node");
        if (node is null)
        {
            missing.Add("node is not on PATH: apt-get install -y nodejs npm");
        }

        if (!File.Exists(Chromium))
        {
            missing.Add($"{Chromium} is missing: apt-get update && apt-get install -y chromium");
        }

        if (!File.Exists(Path.Combine(Folder, "node_modules", "playwright-core", "package.json")))
        {
            missing.Add($"playwright-core is not installed: (cd {Folder} && npm ci)");
        }

        if (missing.Count > 0)
        {
            var message = "browser test needs: " + string.Join("; ", missing);
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        return node!;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
