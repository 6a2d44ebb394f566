using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Grains.Tests.Pipelines;

/// <summary>The routing behaviours (degradation, tiers, priority, fallbacks), end to end through a node on the embedded store.</summary>
public sealed class RoutingBehaviourTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private CostOrchestratorNode _node = null!;

    public async ValueTask InitializeAsync()
    {
        _node = await TestNode.StartAsync(_dir.Path, cancellationToken: TestContext.Current.CancellationToken);
        await _node.AddProvidersAsync(
            TestProviders.Fixed("shotstack", "ffmpeg-render", 4m),
            TestProviders.Fixed("runpod", "ffmpeg-render", 25m),
            TestProviders.Free("local-ffmpeg", "ffmpeg-render"),
            TestProviders.Fixed("fal", "ai-video-generate", 20m),
            TestProviders.Fixed("runway", "ai-video-generate", 50m, quality: 3));
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        _dir.Dispose();
    }

    private static JsonElement Input(string text = "hi") => JsonSerializer.SerializeToElement(new { text });

    private async Task<RunRecord> RunAsync(PipelineDefinition pipeline, string text = "hi")
    {
        var result = await _node.Pipelines.RunAsync(pipeline, Input(text), TestContext.Current.CancellationToken);
        Assert.Empty(result.Errors);
        return result.Run!;
    }

    // Charges the global scope to a given fraction without going through a run (as other traffic would).
    private async Task SpendGlobalAsync(decimal cents)
    {
        var governor = _node.Grains.GetGrain<IBudgetGovernorGrain>("global");
        var reservations = _node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
        var reservation = await reservations.ReserveAsync(new ReservationRequest { Chain = ["global"], AmountCents = cents, IdempotencyKey = Guid.NewGuid().ToString() }, TestContext.Current.CancellationToken);
        await reservations.CommitAsync(reservation.Reservation!.ReservationId, cents, cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Run_StepBudgetBelowEveryPaidProvider_UsesTheFreeProvider()
    {
        var run = await RunAsync(Pipelines.OneStep("ffmpeg-render", """, "budget_cents": 2""", id: "cheap-render"));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("local-ffmpeg", run.Steps[0].ProviderId);
        Assert.Equal(0m, run.TotalCostCents);
        Assert.Contains(run.Steps[0].Decision!.Candidates, c => c.ProviderId == "shotstack" && c.Dropped == "worst case 4¢ above step budget_cents 2¢");
    }

    [Fact]
    public async Task Run_StepBudgetBelowEveryProvider_FailsWithBudgetErrorNamingTheStep()
    {
        var run = await RunAsync(Pipelines.OneStep("ai-video-generate", """, "budget_cents": 10""", id: "cheap-video"));

        Assert.Equal(RunStatus.BudgetRejected, run.Status);
        Assert.Equal("budget_exceeded", run.Error!.Code);
        Assert.Equal("only", run.Error.Step);
        Assert.Equal("steps[0].invoke.budget_cents", run.Error.Field);
        Assert.Contains("step 'only'", run.Error.Message, StringComparison.Ordinal);
        Assert.Equal(StepStatus.BudgetRejected, run.Steps[0].Status);
        Assert.Empty(await _node.Store.GetLedgerAsync(new LedgerQuery(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Run_GlobalConstrained_RoutesToFreeAndLocalOnly()
    {
        await _node.SetDailyLimitAsync("global", 100m);
        await SpendGlobalAsync(91m);

        var run = await RunAsync(Pipelines.OneStep("ffmpeg-render", """, "prefer": "quality" """, id: "constrained"));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("local-ffmpeg", run.Steps[0].ProviderId);
        Assert.Equal(BudgetStatus.Constrained, run.Steps[0].Decision!.BudgetStatus);
        Assert.Equal("global", run.Steps[0].Decision!.StatusScope);
        Assert.Equal("constrained budget on global: free and local providers only", run.Steps[0].Decision!.Candidates.Single(c => c.ProviderId == "shotstack").Dropped);
        Assert.All(run.Steps[0].Decision!.Candidates.Where(c => c.ProviderId != "local-ffmpeg"), c => Assert.True(c.BudgetLimited));
    }

    [Fact]
    public async Task Run_GlobalExhausted_RejectsWhatCannotBeServedFree()
    {
        await _node.SetDailyLimitAsync("global", 100m);
        await SpendGlobalAsync(98m);

        await _node.AddProvidersAsync(TestProviders.Fixed("penny-images", "image-generate", 1m));

        // 1¢ would still fit the 2¢ of head-room: it is the exhausted status that refuses it.
        var image = await RunAsync(Pipelines.OneStep("image-generate", id: "exhausted-image"));
        var render = await RunAsync(Pipelines.OneStep("ffmpeg-render", id: "exhausted-render"));

        Assert.Equal(RunStatus.BudgetRejected, image.Status);
        Assert.Contains("penny-images: exhausted budget on global: free providers only", image.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Succeeded, render.Status);
        Assert.Equal("local-ffmpeg", render.Steps[0].ProviderId);
        Assert.Equal(98m, (await _node.BudgetAsync("global")).Windows[0].SpentCents);
    }

    [Fact]
    public async Task Run_GlobalWarn_PrefersCheapestOverTheStepPreference()
    {
        await _node.SetDailyLimitAsync("global", 1000m);
        var before = await RunAsync(Pipelines.OneStep("ai-video-generate", """, "prefer": "quality" """, id: "warn-before"), "one");
        await SpendGlobalAsync(800m - before.TotalCostCents);

        var after = await RunAsync(Pipelines.OneStep("ai-video-generate", """, "prefer": "quality" """, id: "warn-after"), "two");

        Assert.Equal("runway", before.Steps[0].ProviderId);
        Assert.Equal("fal", after.Steps[0].ProviderId);
        Assert.Equal(BudgetStatus.Warn, after.Steps[0].Decision!.BudgetStatus);
        Assert.Equal(RoutePreference.Cheapest, after.Steps[0].Decision!.Prefer);
    }

    [Fact]
    public async Task Run_HighPriorityWithOverdraft_MayExceedTheLimitAndIsRecorded()
    {
        await _node.SetDailyLimitAsync("global", 10m, overdraftCents: 15m);

        var normal = await RunAsync(Pipelines.OneStep("ai-video-generate", id: "normal-priority"), "a");
        var high = await RunAsync(Pipelines.OneStep("ai-video-generate", pipelineExtra: """, "priority": "high" """, id: "high-priority"), "b");

        Assert.Equal(RunStatus.BudgetRejected, normal.Status);
        Assert.Equal(RunStatus.Succeeded, high.Status);
        Assert.Equal(20m, high.TotalCostCents);
        var entry = Assert.Single(await _node.Store.GetLedgerAsync(new LedgerQuery { Scope = "global" }, TestContext.Current.CancellationToken));
        Assert.True(entry.Overdraft);
    }
}
