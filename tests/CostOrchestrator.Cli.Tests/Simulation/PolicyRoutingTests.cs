using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Cli.Simulation;

namespace CostOrchestrator.Cli.Tests.Simulation;

public sealed class PolicyRoutingTests
{
    private static readonly Workload _referenceWeek = WorkloadParser.Parse(File.ReadAllText(Workloads.ReferenceWeek), Workloads.ReferenceWeek).Workload!;

    [Fact]
    public void Providers_AlwaysPremium_PinsEachCapabilityToItsHighestQualityDearestProviderThatIsUp()
    {
        var pinned = PolicyRouting.Providers(SimulationPolicy.AlwaysPremium, _referenceWeek.Registry).ToDictionary(p => p.Capability, p => p.ProviderId);

        Assert.Equal("claude-opus", pinned["llm-chat"]);               // quality 3, dearer than claude-sonnet
        Assert.Equal("runway-gen4", pinned["ai-video-generate"]);
        Assert.Equal("elevenlabs", pinned["tts-generate"]);
        Assert.Equal("runpod-on-demand", pinned["ffmpeg-render"]);      // every renderer is quality 2: the dearest
        Assert.Equal(_referenceWeek.Registry.Select(p => p.Capability).Distinct().Count(), pinned.Count);
    }

    [Fact]
    public void Pipeline_AlwaysPremium_DropsEveryCostCap_KeepsTheWork()
    {
        var clip = _referenceWeek.Work.Single(w => w.Pipeline.Id == "render-social-clip").Pipeline;

        var premium = PolicyRouting.Pipeline(SimulationPolicy.AlwaysPremium, clip);

        Assert.Null(premium.Budget);
        Assert.All(premium.Steps, s => Assert.Null(s.Invoke.BudgetCents));
        Assert.Equal(clip.Steps.Select(s => (s.Name, s.Invoke.Capability, s.Invoke.ForEach, s.Invoke.Fallback)),
            premium.Steps.Select(s => (s.Name, s.Invoke.Capability, s.Invoke.ForEach, s.Invoke.Fallback)));
        Assert.Empty(PolicyRouting.RunLimits(SimulationPolicy.AlwaysPremium, _referenceWeek.Budgets!.RunLimits()));
    }

    [Fact]
    public void Pipeline_Cheapest_DropsTheQualityFloorOnly()
    {
        var review = _referenceWeek.Work.Single(w => w.Pipeline.Id == "llm-design-review").Pipeline;

        var cheapest = PolicyRouting.Pipeline(SimulationPolicy.Cheapest, review).Steps[0].Invoke;

        Assert.Equal(TaskComplexity.Complex, review.Steps[0].Invoke.Complexity);
        Assert.Null(cheapest.Complexity);
        Assert.Null(cheapest.MinQuality);
        Assert.Equal(RoutePreference.Cheapest, cheapest.Prefer);
        Assert.Equal(review.Steps[0].Invoke.BudgetCents, cheapest.BudgetCents);
    }

    [Fact]
    public void Pipeline_CostAware_IsThePipelineAsWritten()
    {
        var review = _referenceWeek.Work.Single(w => w.Pipeline.Id == "llm-design-review").Pipeline;

        Assert.Same(review, PolicyRouting.Pipeline(SimulationPolicy.CostAware, review));
    }
}
