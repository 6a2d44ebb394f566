using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cli.Tests;

public sealed class RunCommandTests
{
    private static string Sample(string relative) => Path.Combine(RepositoryPaths.Samples, relative);

    [Fact]
    public async Task Run_Json_PrintsTheRunRecord()
    {
        using var dir = new TempDirectory();

        var (exit, stdout, stderr) = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken,
            "run", Sample("pipelines/llm-support-triage.json"), "--input", "@" + Sample("inputs/llm-support-triage.json"), "--data-dir", dir.Path, "--json");

        Assert.True(exit == 0, stderr);
        var run = JsonSerializer.Deserialize<RunRecord>(stdout, CostOrchestratorJson.Options)!;
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(["classify", "draft", "summary"], run.Steps.Select(s => s.Name));
        Assert.All(run.Steps, s => Assert.NotNull(s.Decision));
        Assert.True(run.TokensUsed > 0);
        Assert.DoesNotContain("step classify", stderr, StringComparison.Ordinal); // --json: no progress at all
    }

    [Fact]
    public async Task Run_OutputNotATerminal_ShowsEachStepStartingAndEndingOnStderr_InOrder()
    {
        using var dir = new TempDirectory();

        var (exit, stdout, stderr) = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken,
            "run", Sample("pipelines/render-weekly-summary.yaml"), "--input", "@" + Sample("inputs/render-weekly-summary.json"), "--data-dir", dir.Path);

        Assert.True(exit == 0, stderr);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("run run_", lines[0], StringComparison.Ordinal);
        Assert.Equal(
            ["step tts-generate started (tts-generate)", "step tts-generate succeeded:", "step ffmpeg-render started (ffmpeg-render)", "step ffmpeg-render succeeded:",
             "step ai-video-generate started (ai-video-generate)", "step ai-video-generate succeeded:"],
            lines.Skip(1).Select(l => l.Contains("started", StringComparison.Ordinal) ? l : string.Join(' ', l.Split(' ').Take(3))));
        Assert.Contains("step ai-video-generate succeeded: fal-wan2, 20¢, cache miss", stderr, StringComparison.Ordinal);
        Assert.Contains("ai-video-generate  fal-wan2", stdout, StringComparison.Ordinal); // the table is stdout's, as before
    }

    [Fact]
    public async Task Run_Table_ShowsEveryStepAndTheCacheOnTheSecondRun()
    {
        using var dir = new TempDirectory();
        var args = new[] { "run", Sample("pipelines/render-weekly-summary.yaml"), "--input", "@" + Sample("inputs/render-weekly-summary.json"), "--data-dir", dir.Path };

        var first = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken, args);
        var second = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken, args);

        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("ai-video-generate  fal-wan2", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("total 20¢", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("total 0¢", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("saved 20¢", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidPipeline_ExitsWithTheFieldAndRunsNothing()
    {
        using var dir = new TempDirectory();
        var file = dir.File("bad.json");
        await File.WriteAllTextAsync(file, """{ "id": "bad", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate", "budget_cents": -2 } } ] }""", TestContext.Current.CancellationToken);

        var (exit, stdout, stderr) = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken, "run", file, "--data-dir", dir.Path, "--json");

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("steps[0].invoke.budget_cents: must not be negative", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MalformedInput_IsRefused()
    {
        using var dir = new TempDirectory();

        var (exit, _, stderr) = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken,
            "run", Sample("pipelines/llm-support-triage.json"), "--input", "{not json", "--data-dir", dir.Path);

        Assert.Equal(2, exit);
        Assert.Contains("--input: malformed JSON", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownFlags_AreEachReported_AndExit2_RunningNothing()
    {
        using var dir = new TempDirectory();

        var (exit, _, stderr) = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken,
            "run", Sample("pipelines/llm-support-triage.json"), "--bogus", "1", "--colour", "red", "--data-dir", dir.Path);

        Assert.Equal(2, exit);
        Assert.Contains("'--bogus'", stderr, StringComparison.Ordinal);
        Assert.Contains("'--colour'", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "costorch.db")));
    }
}
