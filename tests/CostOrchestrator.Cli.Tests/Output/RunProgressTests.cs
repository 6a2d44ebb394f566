using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Cli.Output;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Tests.Common;
using Spectre.Console.Testing;

namespace CostOrchestrator.Cli.Tests.Output;

/// <summary>What a command shows while a run executes: lines as steps start and end, or a live table on a terminal.</summary>
public sealed class RunProgressTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly PipelineDefinition TwoSteps = PipelineParser.Parse("""
        { "id": "two", "steps": [
          { "name": "video", "invoke": { "capability": "ai-video-generate", "cache": false, "inputs": { "p": "{{ input.topic }}" } } },
          { "name": "voice", "invoke": { "capability": "tts-generate", "cache": false, "inputs": { "text": "{{ input.topic }}" } } } ] }
        """).Pipeline!;

    private static RunRecord Record(params StepStatus[] statuses) => new()
    {
        RunId = "run_1",
        PipelineId = "two",
        Status = RunStatus.Running,
        Pipeline = TwoSteps,
        CreatedAt = TestNode.Start,
        Steps = statuses.Select((s, i) => new StepRecord { Name = TwoSteps.Steps[i].Name, Capability = TwoSteps.Steps[i].Invoke.Capability, Status = s }).ToList(),
    };

    [Fact]
    public void Changes_AStepThatStartedAndEndedBetweenTwoWatches_IsShownStartingThenEnding()
    {
        var lines = RunProgress.Changes(Record(StepStatus.Running, StepStatus.Pending), Record(StepStatus.Succeeded, StepStatus.Succeeded)).ToList();

        Assert.Equal(3, lines.Count);
        Assert.StartsWith("step video succeeded:", lines[0], StringComparison.Ordinal);
        Assert.Equal("step voice started (tts-generate)", lines[1]);
        Assert.StartsWith("step voice succeeded:", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Changes_ASkippedStep_IsShownEndingOnly_AndTheFirstRecordNamesTheRun()
    {
        var lines = RunProgress.Changes(null, Record(StepStatus.Running, StepStatus.Skipped)).ToList();

        Assert.Equal(["run run_1 of two: 2 step(s)", "step video started (ai-video-generate)", "step voice skipped: skipped"], lines);
    }

    [Fact]
    public async Task Live_OnATerminal_RedrawsATableOfEveryStep_UntilTheRunEnds()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m), TestProviders.Free("espeak", "tts-generate"));
        var submitted = await node.Pipelines.SubmitAsync(TwoSteps, JsonSerializer.SerializeToElement(new { topic = "tides" }), null, Ct);
        var console = new TestConsole().Interactive();

        var run = await RunProgress.FollowAsync(node.Grains.GetGrain<IPipelineRunGrain>(submitted.Run!.RunId), ProgressMode.Live, console, TextWriter.Null, Ct);

        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Contains("video", console.Output, StringComparison.Ordinal);
        Assert.Contains("voice", console.Output, StringComparison.Ordinal);
        Assert.Contains("fal", console.Output, StringComparison.Ordinal);
        Assert.Contains("succeeded", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_FollowARealRun_EveryStepStartsAndEndsOnce()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m), TestProviders.Free("espeak", "tts-generate"));
        var submitted = await node.Pipelines.SubmitAsync(TwoSteps, JsonSerializer.SerializeToElement(new { topic = "tides" }), null, Ct);
        using var lines = new StringWriter();

        var run = await RunProgress.FollowAsync(node.Grains.GetGrain<IPipelineRunGrain>(submitted.Run!.RunId), ProgressMode.Lines, new TestConsole(), lines, Ct);

        Assert.Equal(RunStatus.Succeeded, run!.Status);
        var shown = lines.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [$"run {run.RunId} of two: 2 step(s)", "step video started (ai-video-generate)", "step video succeeded: fal, 20¢, cache miss", "step voice started (tts-generate)", "step voice succeeded: espeak, 0¢, cache miss"],
            shown.Select(l => l.Contains(" ms", StringComparison.Ordinal) ? l[..l.LastIndexOf(',')] : l));
    }
}
