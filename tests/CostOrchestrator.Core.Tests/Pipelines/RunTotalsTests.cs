using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Core.Tests.Pipelines;

public sealed class RunTotalsTests
{
    private static RunRecord Run(params StepRecord[] steps) => new()
    {
        RunId = "run_1",
        PipelineId = "p",
        Status = RunStatus.Succeeded,
        Pipeline = PipelineParser.Parse("""{ "id": "p", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate" } } ] }""").Pipeline!,
        CreatedAt = DateTimeOffset.UnixEpoch,
        Steps = steps,
    };

    private static InvocationRecord Hit(string providerId, decimal saved, int item = 0) =>
        new() { InvocationId = $"inv_hit_{providerId}_{item}", Item = item, ProviderId = providerId, CacheHit = true, SavedCents = saved };

    private static InvocationRecord Paid(string providerId, decimal cents, int item = 0) =>
        new() { InvocationId = $"inv_paid_{providerId}_{item}", Item = item, ProviderId = providerId, EstimatedCents = cents, ActualCents = cents, Attempts = 1 };

    [Fact]
    public void Summarize_EveryStepFromCache_ListsTheProducingProvidersAtZeroLikeStepsAndCapabilities()
    {
        var run = RunTotals.Summarize(Run(
            new StepRecord { Name = "narration", Capability = "tts-generate", Invocations = [Hit("elevenlabs", 2m)] },
            new StepRecord { Name = "broll", Capability = "ai-video-generate", Invocations = [Hit("fal", 20m), Hit("runway", 50m, item: 1)] }));

        Assert.Equal(new Dictionary<string, decimal> { ["narration"] = 0m, ["broll"] = 0m }, run.CostByStep);
        Assert.Equal(new Dictionary<string, decimal> { ["tts-generate"] = 0m, ["ai-video-generate"] = 0m }, run.CostByCapability);
        Assert.Equal(new Dictionary<string, decimal> { ["elevenlabs"] = 0m, ["fal"] = 0m, ["runway"] = 0m }, run.CostByProvider);
        Assert.Equal(3, run.CacheHits);
        Assert.Equal(72m, run.SavedByCacheCents);
        Assert.Equal(0m, run.TotalCostCents);
    }

    [Fact]
    public void Summarize_HitAndPaidCallOnOneProvider_AddsOnlyThePaidCost()
    {
        var run = RunTotals.Summarize(Run(
            new StepRecord { Name = "broll", Capability = "ai-video-generate", Invocations = [Hit("fal", 20m), Paid("fal", 20m, item: 1), Paid("runway", 50m, item: 2)] }));

        Assert.Equal(new Dictionary<string, decimal> { ["fal"] = 20m, ["runway"] = 50m }, run.CostByProvider);
        Assert.Equal(run.TotalCostCents, run.CostByProvider.Values.Sum());
        Assert.Equal(run.TotalCostCents, run.CostByStep.Values.Sum());
        Assert.Equal(run.TotalCostCents, run.CostByCapability.Values.Sum());
    }

    [Fact]
    public void Summarize_StepThatNeverInvoked_IsInNoBreakdown()
    {
        var run = RunTotals.Summarize(Run(
            new StepRecord { Name = "narration", Capability = "tts-generate", Invocations = [Hit("elevenlabs", 2m)] },
            new StepRecord { Name = "skipped", Capability = "ai-video-generate", Status = StepStatus.Skipped }));

        Assert.Equal(["narration"], run.CostByStep.Keys);
        Assert.Equal(["tts-generate"], run.CostByCapability.Keys);
        Assert.Equal(["elevenlabs"], run.CostByProvider.Keys);
    }
}
