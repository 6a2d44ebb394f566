using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cli.Tests;

/// <summary>The CLI against a running node over HTTP: same tables as the embedded run.</summary>
public sealed class RemoteCommandTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Sample(string relative) => Path.Combine(RepositoryPaths.Samples, relative);

    [Fact]
    public async Task Submit_ThenRunsShowAndBudgets_TalkToTheNode()
    {
        var url = node.BaseAddress.ToString();

        var submit = await CostorchProcess.RunAsync(Ct, "submit", Sample("pipelines/llm-support-triage.json"), "--input", "@" + Sample("inputs/llm-support-triage.json"),
            "--node", url, "--token", RunningNode.AdminToken, "--json");
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        var run = JsonSerializer.Deserialize<RunRecord>(submit.Stdout, CostOrchestratorJson.Options)!;
        Assert.Equal(RunStatus.Succeeded, run.Status);

        var show = await CostorchProcess.RunAsync(Ct, "runs", "show", run.RunId, "--node", url, "--token", RunningNode.AdminToken);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains($"run {run.RunId}", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("classify", show.Stdout, StringComparison.Ordinal);

        var budgets = await CostorchProcess.RunAsync(Ct, "budgets", "--node", url, "--token", RunningNode.AdminToken);
        Assert.True(budgets.ExitCode == 0, budgets.Stderr);
        Assert.Contains("global", budgets.Stdout, StringComparison.Ordinal);
        Assert.Contains("team:media", budgets.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_Waiting_ShowsEachStepStartingAndEnding_OnStderr_WhenOutputIsNotATerminal()
    {
        var submit = await CostorchProcess.RunAsync(Ct, "submit", Sample("pipelines/llm-support-triage.json"), "--input", "@" + Sample("inputs/llm-support-triage.json"),
            "--node", node.BaseAddress.ToString(), "--token", RunningNode.AdminToken);

        Assert.True(submit.ExitCode == 0, submit.Stderr);
        var progress = submit.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["step classify started", "step classify succeeded", "step draft started", "step draft succeeded", "step summary started", "step summary succeeded"],
            progress.Select(l => string.Join(' ', l.Split(' ').Take(3)).TrimEnd(':')));
        Assert.Contains("status succeeded", submit.Stdout, StringComparison.Ordinal); // the table still goes to stdout
        Assert.DoesNotContain("step classify started", submit.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Budgets_WithoutAToken_ExplainsTheRefusal()
    {
        var result = await CostorchProcess.RunAsync(Ct, "budgets", "--node", node.BaseAddress.ToString(), "--token", "");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("401", result.Stderr, StringComparison.Ordinal);
    }
}
