using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Routing;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Core.Tests.Routing;

public sealed class RouterTests
{
    private static readonly ProviderRecord[] _render =
    [
        TestProviders.Fixed("shotstack", "ffmpeg-render", 4m),
        TestProviders.Fixed("runpod", "ffmpeg-render", 25m),
        TestProviders.Free("local-ffmpeg", "ffmpeg-render"),
    ];

    private static RoutingRequest Request(IReadOnlyList<ProviderRecord> providers, string capability = "ffmpeg-render") =>
        new() { Capability = capability, Providers = providers, Inputs = JsonSerializer.SerializeToElement(new { }) };

    private static string[] Order(RouteResult result) => result.Ordered.Select(c => c.Provider.ProviderId).ToArray();

    [Fact]
    public void Route_Cheapest_OrdersByWorstCaseCost()
    {
        var result = Router.Route(Request(_render));

        Assert.Equal(["local-ffmpeg", "shotstack", "runpod"], Order(result));
        Assert.Equal([1, 2, 3], result.Decision.Candidates.Select(c => c.Rank!.Value));
    }

    [Fact]
    public void Route_StepBudgetBelowEveryPaidProvider_LeavesOnlyFreeAndExplainsDrops()
    {
        var result = Router.Route(Request(_render) with { StepBudgetCents = 2m });

        Assert.Equal(["local-ffmpeg"], Order(result));
        var shotstack = result.Decision.Candidates.Single(c => c.ProviderId == "shotstack");
        Assert.Equal("worst case 4¢ above step budget_cents 2¢", shotstack.Dropped);
        Assert.True(shotstack.BudgetLimited);
    }

    [Fact]
    public void Route_Constrained_KeepsFreeAndLocalOnly()
    {
        var localPaid = TestProviders.Fixed("own-gpu-box", "ffmpeg-render", 1m, local: true);
        var result = Router.Route(Request([.. _render, localPaid]) with { Status = BudgetStatus.Constrained, StatusScope = "global" });

        Assert.Equal(["local-ffmpeg", "own-gpu-box"], Order(result));
        Assert.Contains("constrained budget on global", result.Decision.Candidates.Single(c => c.ProviderId == "shotstack").Dropped);
    }

    [Fact]
    public void Route_ExhaustedWithNoFreeProvider_HasNoCandidate()
    {
        var paidOnly = _render.Where(p => !p.IsFree).ToArray();
        var result = Router.Route(Request(paidOnly) with { Status = BudgetStatus.Exhausted, StatusScope = "capability:ffmpeg-render" });

        Assert.False(result.HasCandidate);
        Assert.All(result.Decision.Candidates, c => Assert.Equal("exhausted budget on capability:ffmpeg-render: free providers only", c.Dropped));
    }

    [Fact]
    public void Route_Warn_ForcesCheapestOverTheStepPreference()
    {
        var fast = TestProviders.Fixed("fast-paid", "ffmpeg-render", 9m) with { LatencyEwmaMs = 5 };
        var slowFree = TestProviders.Free("slow-free", "ffmpeg-render") with { LatencyEwmaMs = 900 };

        var normal = Router.Route(Request([fast, slowFree]) with { Prefer = RoutePreference.Fastest });
        var warned = Router.Route(Request([fast, slowFree]) with { Prefer = RoutePreference.Fastest, Status = BudgetStatus.Warn, StatusScope = "global" });

        Assert.Equal("fast-paid", Order(normal)[0]);
        Assert.Equal("slow-free", Order(warned)[0]);
        Assert.Equal(RoutePreference.Cheapest, warned.Decision.Prefer);
    }

    [Fact]
    public void Route_Normal_TierOrderIsOneThenFourThenThree()
    {
        var providers = new[]
        {
            TestProviders.Fixed("paid", "stock-search", 1m, tier: 3),
            TestProviders.Subscription("storyblocks", "stock-search"),
            TestProviders.Free("pexels", "stock-search", tier: 1, local: false),
        };

        Assert.Equal(["pexels", "storyblocks", "paid"], Order(Router.Route(Request(providers, "stock-search"))));
    }

    [Fact]
    public void Route_Exhausted_TierOrderIsOneThenTwoThenFourAndNeverThree()
    {
        var providers = new[]
        {
            TestProviders.Subscription("storyblocks", "stock-search"),
            TestProviders.Fixed("paid", "stock-search", 1m, tier: 3),
            TestProviders.Free("pixabay", "stock-search", tier: 2, local: false),
            TestProviders.Free("pexels", "stock-search", tier: 1, local: false),
        };

        var result = Router.Route(Request(providers, "stock-search") with { Status = BudgetStatus.Exhausted, StatusScope = "global" });

        Assert.Equal(["pexels", "pixabay", "storyblocks"], Order(result));
    }

    [Fact]
    public void Route_HighPriority_SkipsStatusOverrideButNotHeadroom()
    {
        var result = Router.Route(Request(_render) with
        {
            Priority = Priority.High,
            Status = BudgetStatus.Exhausted,
            StatusScope = "global",
            ChainHeadroomCents = 5m,
            HeadroomScope = "global",
        });

        Assert.Equal(["local-ffmpeg", "shotstack"], Order(result));
        Assert.Contains(result.Decision.Notes, n => n.StartsWith("priority high", StringComparison.Ordinal));
        Assert.Equal("worst case 25¢ above head-room of global (5¢)", result.Decision.Candidates.Single(c => c.ProviderId == "runpod").Dropped);
    }

    [Fact]
    public void Route_DownAndLowQuality_AreDroppedWithReasons()
    {
        var providers = new[]
        {
            TestProviders.Fixed("down-one", "llm-chat", 0m, health: ProviderHealth.Down) with { HealthReason = "operator: maintenance" },
            TestProviders.Fixed("basic", "llm-chat", 0m, quality: 1),
            TestProviders.Fixed("frontier", "llm-chat", 3m, quality: 3),
        };

        var result = Router.Route(Request(providers, "llm-chat") with { MinQuality = Router.QualityFor(TaskComplexity.Complex, null) });

        Assert.Equal(["frontier"], Order(result));
        Assert.Equal("down: operator: maintenance", result.Decision.Candidates.Single(c => c.ProviderId == "down-one").Dropped);
        Assert.Equal("quality 1 below required 3", result.Decision.Candidates.Single(c => c.ProviderId == "basic").Dropped);
        Assert.False(result.Decision.Candidates.Single(c => c.ProviderId == "basic").BudgetLimited);
    }

    [Fact]
    public void Route_Degrade_DropsQualityFloorAndPreference()
    {
        var providers = new[] { TestProviders.Fixed("frontier", "llm-chat", 3m, quality: 3), TestProviders.Free("basic", "llm-chat", quality: 1) };

        var result = Router.Route(Request(providers, "llm-chat") with { MinQuality = 3, Prefer = RoutePreference.Quality, Degrade = true });

        Assert.Equal(["basic", "frontier"], Order(result));
    }

    [Fact]
    public void Route_RunRemaining_DropsWhatTheRunCannotAfford()
    {
        var result = Router.Route(Request(_render) with { RunRemainingCents = 4m });

        Assert.Equal(["local-ffmpeg", "shotstack"], Order(result));
        Assert.Equal("worst case 25¢ above the run's remaining budget 4¢", result.Decision.Candidates.Single(c => c.ProviderId == "runpod").Dropped);
    }

    private static readonly ProviderRecord[] _stock =
    [
        TestProviders.Subscription("storyblocks", "stock-search", monthlyQuota: 100),
        TestProviders.Fixed("shutterstock", "stock-search", 3m),
    ];

    private static QuotaUsage Used(int used, int inFlight = 0) => new() { MonthStart = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), Used = used, InFlight = inFlight };

    [Fact]
    public void Route_SubscriptionBelowItsQuota_IsAFirstChoice()
    {
        var result = Router.Route(Request(_stock, "stock-search") with { QuotaUsage = new Dictionary<string, QuotaUsage> { ["storyblocks"] = Used(99) } });

        Assert.Equal(["storyblocks", "shutterstock"], Order(result));
    }

    [Fact]
    public void Route_SubscriptionQuotaUsedUp_DropsItWithTheReasonAndNotForBudget()
    {
        var result = Router.Route(Request(_stock, "stock-search") with { QuotaUsage = new Dictionary<string, QuotaUsage> { ["storyblocks"] = Used(100) } });

        Assert.Equal(["shutterstock"], Order(result));
        var storyblocks = result.Decision.Candidates.Single(c => c.ProviderId == "storyblocks");
        Assert.Equal("monthly_quota reached: 100 of 100 uses this month", storyblocks.Dropped);
        Assert.Null(storyblocks.Rank);
        Assert.False(storyblocks.BudgetLimited);
    }

    [Fact]
    public void Route_QuotaTakenByCallsInFlight_SaysSo()
    {
        var result = Router.Route(Request(_stock, "stock-search") with { QuotaUsage = new Dictionary<string, QuotaUsage> { ["storyblocks"] = Used(97, inFlight: 3) } });

        Assert.Equal(["shutterstock"], Order(result));
        Assert.Equal("monthly_quota reached: 97 of 100 uses this month, 3 more in flight", result.Decision.Candidates.Single(c => c.ProviderId == "storyblocks").Dropped);
    }

    [Fact]
    public void Route_QuotaOfZero_NeverRoutesThere()
    {
        var result = Router.Route(Request([TestProviders.Subscription("storyblocks", "stock-search", monthlyQuota: 0), _stock[1]], "stock-search"));

        Assert.Equal(["shutterstock"], Order(result));
        Assert.Equal("monthly_quota reached: 0 of 0 uses this month", result.Decision.Candidates.Single(c => c.ProviderId == "storyblocks").Dropped);
    }

    [Fact]
    public void Route_SubscriptionWithoutQuota_IsNeverDroppedForUses()
    {
        var result = Router.Route(Request([TestProviders.Subscription("storyblocks", "stock-search"), _stock[1]], "stock-search")
            with { QuotaUsage = new Dictionary<string, QuotaUsage> { ["storyblocks"] = Used(1_000_000) } });

        Assert.Equal(["storyblocks", "shutterstock"], Order(result));
    }
}
