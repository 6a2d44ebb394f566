using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Grains.Tests.Pipelines;

/// <summary><see cref="IPipelineRunGrain.WatchAsync"/>: a long poll that answers when the run changes, for live progress.</summary>
public sealed class RunWatchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PipelineDefinition TwoSteps => Pipelines.Parse("""
        { "id": "two", "steps": [
          { "name": "one", "invoke": { "capability": "ai-video-generate", "cache": false, "inputs": { "p": "{{ input.text }}" } } },
          { "name": "two", "invoke": { "capability": "image-generate", "cache": false, "inputs": { "p": "{{ steps.one.result.url }}" } } } ] }
        """);

    [Fact]
    public async Task Watch_AnswersWithEachChange_AStepHeldAtItsProviderIsSeenRunning_ThenTheEnd()
    {
        using var dir = new TempDirectory();
        var gated = new GatedProviderAdapter(new SimulatedProviderAdapter());
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct, adapter: gated);
        await node.AddProvidersAsync(TestProviders.Fixed("p-one", "ai-video-generate", 1m), TestProviders.Fixed("p-two", "image-generate", 2m));
        var arrived = gated.CloseGate("p-two");
        var submitted = await node.Pipelines.SubmitAsync(TwoSteps, JsonSerializer.SerializeToElement(new { text = "tides" }), null, Ct);
        var run = node.Grains.GetGrain<IPipelineRunGrain>(submitted.Run!.RunId);
        await arrived.WaitAsync(Ct);

        // A watcher without a revision gets the record at once: step two is running, held at its provider.
        var held = await run.WatchAsync(-1, Ct);
        Assert.Equal((StepStatus.Succeeded, StepStatus.Running, RunStatus.Running), (held.Record!.Steps[0].Status, held.Record.Steps[1].Status, held.Record.Status));

        // A watcher with that revision is answered by the next change, which only opening the gate can make.
        var next = run.WatchAsync(held.Revision, Ct);
        gated.OpenGate("p-two");
        var changed = await next;
        Assert.True(changed.Revision > held.Revision);

        var update = changed;
        while (update.Record!.Status == RunStatus.Running)
        {
            var after = await run.WatchAsync(update.Revision, Ct);
            Assert.True(after.Revision > update.Revision || after.Record!.Status != RunStatus.Running);
            update = after;
        }

        Assert.Equal(RunStatus.Succeeded, update.Record.Status);
        Assert.Equal(3m, update.Record.TotalCostCents);

        // A finished run answers at once, with its last revision.
        var finished = await run.WatchAsync(update.Revision, Ct);
        Assert.Equal(update.Revision, finished.Revision);
    }

    [Fact]
    public async Task Watch_AnUnknownRun_AnswersAtOnceWithNoRecord()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);

        var update = await node.Grains.GetGrain<IPipelineRunGrain>("run_nothing_here").WatchAsync(0, Ct);

        Assert.Null(update.Record);
    }
}
