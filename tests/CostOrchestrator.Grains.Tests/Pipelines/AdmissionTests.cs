using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Grains.Tests.Pipelines;

/// <summary>
/// Admission before spending: under budgets that bind, a run that cannot finish spends nothing (refused or queued
/// before its first step), unless it opts into partial progress; a fan-out is reserved all or none.
/// </summary>
public sealed class AdmissionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Clips(int count) => JsonSerializer.SerializeToElement(new { scenes = Enumerable.Range(1, count).Select(i => $"clip {i}").ToArray() });

    private static PipelineDefinition TwoClips(string extra = "", string fallback = "reject") => Pipelines.Parse($$$"""
        { "id": "clips", "scopes": { "team": "social" } {{{extra}}}, "steps": [
          { "name": "clips", "invoke": { "capability": "ai-video-generate", "cache": false, "fallback": "{{{fallback}}}", "for_each": "{{ input.scenes }}", "inputs": { "prompt": "{{ item }}" } } } ] }
        """);

    [Fact]
    public async Task AFanOutThatCannotFinish_IsRefusedBeforeItsFirstClip_AndSpendsNothing()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));
        await node.SetDailyLimitAsync("team:social", 24m);

        var run = (await node.Pipelines.RunAsync(TwoClips(), Clips(2), Ct)).Run!;

        Assert.Equal(RunStatus.BudgetRejected, run.Status);
        Assert.Equal(("budget_exceeded", "team:social"), (run.Error!.Code, run.Error.Scope));
        Assert.Equal(40m, run.Error.Denial!.RequestedCents);
        Assert.Contains("nothing was spent", run.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0m, run.TotalCostCents);
        Assert.Empty(await node.Store.GetLedgerAsync(new LedgerQuery { RunId = run.RunId }, Ct));
        var window = (await node.BudgetAsync("team:social")).Windows[0];
        Assert.Equal((0m, 0m), (window.SpentCents, window.ReservedCents));
    }

    [Fact]
    public async Task PartialProgress_KeepsTheOldBehaviour_TheFirstClipIsBought_TheSecondRefused_WithTheRefusalAsTheStepsTrace()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));
        await node.SetDailyLimitAsync("team:social", 24m);

        var run = (await node.Pipelines.RunAsync(TwoClips(""", "partial_progress": true"""), Clips(2), Ct)).Run!;

        Assert.Equal(RunStatus.BudgetRejected, run.Status);
        Assert.Equal(20m, run.TotalCostCents);
        Assert.Single(run.Steps[0].Invocations);
        // The step's trace is the refusal of the second clip (which scope refused), not the first clip's ranking.
        var decision = run.Steps[0].Decision!;
        Assert.Contains(decision.Notes, n => n.StartsWith("refused by team:social: ", StringComparison.Ordinal));
        Assert.Equal("team:social", run.Error!.Scope);
    }

    [Fact]
    public async Task ARunThatCannotFinish_WithFallbackQueue_IsQueuedBeforeSpending_AndRunsWhenTheLimitIsRaised()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));
        await node.SetDailyLimitAsync("team:social", 24m);

        var queued = (await node.Pipelines.RunAsync(TwoClips(fallback: "queue"), Clips(2), Ct)).Run!;

        Assert.Equal(RunStatus.Queued, queued.Status);
        Assert.Contains("team:social", queued.QueuedReason, StringComparison.Ordinal);
        Assert.Equal(0m, queued.TotalCostCents);
        Assert.Empty(await node.Store.GetLedgerAsync(new LedgerQuery { RunId = queued.RunId }, Ct));

        await node.SetDailyLimitAsync("team:social", 100m);
        var run = node.Grains.GetGrain<IPipelineRunGrain>(queued.RunId);
        await run.ResumeAsync(Ct);
        var finished = await run.WaitAsync(Ct);

        Assert.Equal(RunStatus.Succeeded, finished!.Status);
        Assert.Equal(40m, finished.TotalCostCents);
    }

    [Fact]
    public async Task AdmissionCountsEveryRequiredStep_ButNotOptionalOnes()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 10m), TestProviders.Fixed("img", "image-generate", 20m));
        await node.SetDailyLimitAsync("global", 15m);
        var threeSteps = Pipelines.Parse("""
            { "id": "three", "steps": [
              { "name": "one", "invoke": { "capability": "ai-video-generate", "cache": false, "inputs": { "p": "{{ input.text }}" } } },
              { "name": "two", "invoke": { "capability": "ai-video-generate", "cache": false, "inputs": { "p": "{{ input.text }} again" } } } ] }
            """);
        var withOptional = Pipelines.Parse("""
            { "id": "optional", "steps": [
              { "name": "one", "invoke": { "capability": "ai-video-generate", "cache": false, "inputs": { "p": "{{ input.text }}" } } },
              { "name": "extra", "invoke": { "capability": "image-generate", "optional": true, "fallback": "degrade", "cache": false, "inputs": { "p": "{{ input.text }}" } } } ] }
            """);
        var input = JsonSerializer.SerializeToElement(new { text = "tides" });

        var refused = (await node.Pipelines.RunAsync(threeSteps, input, Ct)).Run!;
        var admitted = (await node.Pipelines.RunAsync(withOptional, input, Ct)).Run!;

        Assert.Equal((RunStatus.BudgetRejected, 0m), (refused.Status, refused.TotalCostCents));
        Assert.Equal(("global", 20m), (refused.Error!.Scope, refused.Error.Denial!.RequestedCents));
        Assert.Equal(RunStatus.Succeeded, admitted.Status);
        Assert.Equal((StepStatus.Succeeded, StepStatus.Skipped), (admitted.Steps[0].Status, admitted.Steps[1].Status));
        Assert.Equal(10m, admitted.TotalCostCents);
    }

    [Fact]
    public async Task AFanOut_IsReservedWholeBeforeItsFirstItemRuns_AndEachItemUsesItsOwnReservation()
    {
        using var dir = new TempDirectory();
        var gated = new GatedProviderAdapter(new SimulatedProviderAdapter());
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct, adapter: gated);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 5m));
        await node.SetDailyLimitAsync("team:social", 100m);
        var arrived = gated.CloseGate("fal");

        var submitted = (await node.Pipelines.SubmitAsync(TwoClips(), Clips(3), null, Ct)).Run!;
        await arrived.WaitAsync(Ct);

        // The first clip is at its provider and all three are reserved.
        var during = (await node.BudgetAsync("team:social")).Windows[0];
        Assert.Equal((0m, 15m), (during.SpentCents, during.ReservedCents));

        gated.OpenGate("fal");
        var run = await node.Grains.GetGrain<IPipelineRunGrain>(submitted.RunId).WaitAsync(Ct);

        Assert.Equal(RunStatus.Succeeded, run!.Status);
        var after = (await node.BudgetAsync("team:social")).Windows[0];
        Assert.Equal((15m, 0m), (after.SpentCents, after.ReservedCents));
        Assert.Equal(3, (await node.Store.GetLedgerAsync(new LedgerQuery { RunId = run.RunId }, Ct)).Count);
        Assert.All(run.Steps[0].Invocations, i => Assert.Equal(1, i.Attempts)); // each used the reservation held for it
    }
}
