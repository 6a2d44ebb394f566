using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;
using CostOrchestrator.Grains.Hosting;

namespace CostOrchestrator.Grains.Tests.Pipelines;

/// <summary>Execution budgets: cost, steps, retries, fan-out, tokens, wall time — and the run's cumulative spend.</summary>
public sealed class ExecutionBudgetTests
{
    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    [Fact]
    public async Task Run_ItsOwnBudgetBelowTheFanOut_IsRefusedBeforeSpending()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));
        var pipeline = Pipelines.Parse("""
            { "id": "fan", "budget": { "limit_cents": 50 }, "steps": [
              { "name": "broll", "invoke": { "capability": "ai-video-generate", "for_each": "{{ input.scenes }}", "inputs": { "prompt": "{{ item }}" } } } ] }
            """);

        var run = (await node.Pipelines.RunAsync(pipeline, Json(new { scenes = new[] { "a", "b", "c" } }), ct)).Run!;

        Assert.Equal(RunStatus.BudgetRejected, run.Status);
        Assert.Equal(0m, run.TotalCostCents);
        Assert.Equal("budget.limit_cents", run.Error!.Field);
        Assert.Contains("need 60¢, above budget.limit_cents 50¢", run.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CumulativeSpend_WithPartialProgress_StopsTheRunWhenItsOwnBudgetIsSpent()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));
        var pipeline = Pipelines.Parse("""
            { "id": "fan", "budget": { "limit_cents": 50 }, "partial_progress": true, "steps": [
              { "name": "broll", "invoke": { "capability": "ai-video-generate", "for_each": "{{ input.scenes }}", "inputs": { "prompt": "{{ item }}" } } } ] }
            """);

        var run = (await node.Pipelines.RunAsync(pipeline, Json(new { scenes = new[] { "a", "b", "c" } }), ct)).Run!;

        Assert.Equal(RunStatus.BudgetRejected, run.Status);
        Assert.Equal(40m, run.TotalCostCents);
        Assert.Equal(2, run.Steps[0].Invocations.Count);
        Assert.Contains("the run's remaining budget 10¢", run.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MaxSteps_StopsRunawayFanOut()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Free("local", "tts-generate"));
        var pipeline = Pipelines.Parse("""
            { "id": "loop", "limits": { "max_steps": 3 }, "steps": [
              { "name": "say", "invoke": { "capability": "tts-generate", "for_each": "{{ input.lines }}", "inputs": { "text": "{{ item }}" } } } ] }
            """);

        var run = (await node.Pipelines.RunAsync(pipeline, Json(new { lines = new[] { "1", "2", "3", "4", "5" } }), ct)).Run!;

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("limit_exceeded", run.Error!.Code);
        Assert.Equal("limits.max_steps", run.Error.Field);
        Assert.Equal(3, run.InvocationsUsed);
    }

    [Fact]
    public async Task Run_FailingProvider_RetriesWithinTheRetryBudgetThenFallsThrough()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var simulated = new SimulatedProviderAdapter();
        await using var node = await TestNode.StartAsync(dir.Path, simulated: simulated, cancellationToken: ct);
        await node.AddProvidersAsync(
            TestProviders.Fixed("flaky", "ai-video-generate", 5m, settings: new { fail_first = 10 }),
            TestProviders.Fixed("steady", "ai-video-generate", 9m));
        var pipeline = Pipelines.OneStep("ai-video-generate", """, "retries": 2""", """, "limits": { "max_retries": 5 }""");

        var run = (await node.Pipelines.RunAsync(pipeline, Json(new { text = "x" }), ct)).Run!;

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("steady", run.Steps[0].ProviderId);
        Assert.Equal(3, simulated.CallCount("flaky")); // first try + 2 retries
        Assert.Equal(2, run.RetriesUsed);
        Assert.Equal(4, run.Steps[0].Attempts);
        Assert.Equal(9m, run.TotalCostCents);

        // Failed attempts released their reservations: only the successful call is charged.
        var entry = Assert.Single(await node.Store.GetLedgerAsync(new LedgerQuery { RunId = run.RunId }, ct));
        Assert.Equal("steady", entry.Attribution.ProviderId);
    }

    [Fact]
    public async Task Run_Escalate_MovesToHigherQualityAfterAFailure()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, simulated: new SimulatedProviderAdapter(), cancellationToken: ct);
        await node.AddProvidersAsync(
            TestProviders.Fixed("cheap-broken", "llm-chat", 0.01m, quality: 1, settings: new { fail_first = 100 }),
            TestProviders.Fixed("cheap-peer", "llm-chat", 0.02m, quality: 1),
            TestProviders.Fixed("frontier", "llm-chat", 1m, quality: 3));
        var pipeline = Pipelines.OneStep("llm-chat", """, "complexity": "simple", "escalate": true, "retries": 0""");

        var run = (await node.Pipelines.RunAsync(pipeline, Json(new { text = "x" }), ct)).Run!;

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("frontier", run.Steps[0].ProviderId);
        Assert.Contains(run.Steps[0].Decision!.Notes, n => n.StartsWith("escalate: cheap-broken failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_ConsecutiveFailures_OpenTheCircuitBreakerSoRoutingSkipsTheProvider()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var simulated = new SimulatedProviderAdapter();
        await using var node = await TestNode.StartAsync(dir.Path, simulated: simulated, cancellationToken: ct);
        await node.AddProvidersAsync(
            TestProviders.Fixed("flaky", "ai-video-generate", 5m, settings: new { fail_first = 1000 }),
            TestProviders.Fixed("steady", "ai-video-generate", 9m));
        var pipeline = Pipelines.OneStep("ai-video-generate", """, "retries": 0, "cache": false""");

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(RunStatus.Succeeded, (await node.Pipelines.RunAsync(pipeline, Json(new { text = $"x{i}" }), ct)).Run!.Status);
        }

        var flaky = await node.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey).GetProviderAsync("flaky", ct);
        Assert.Equal(ProviderHealth.Down, flaky!.Health);
        Assert.StartsWith("breaker: 3 consecutive failures", flaky.HealthReason, StringComparison.Ordinal);
        Assert.Equal(3, simulated.CallCount("flaky")); // the fourth run did not try it
    }

    [Fact]
    public async Task Run_WallTimeBudget_FailsTheRunWhenItRunsOut()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(TestNode.Start);
        await using var node = await TestNode.StartAsync(dir.Path, clock, simulated: new SimulatedProviderAdapter(clock), cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("slow", "ai-video-generate", 1m, settings: new { latency_ms = 60_000 }));
        var pipeline = Pipelines.OneStep("ai-video-generate", """, "timeout_seconds": 600""", """, "limits": { "timeout_seconds": 30 }""");

        var submitted = await node.Pipelines.SubmitAsync(pipeline, Json(new { text = "x" }), null, ct);
        var grain = node.Grains.GetGrain<IPipelineRunGrain>(submitted.Run!.RunId);
        var waiting = grain.WaitAsync(ct);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!waiting.IsCompleted && DateTime.UtcNow < deadline)
        {
            // Move the manual clock until the run's 30 s wall-time budget fires. The run executes on the
            // thread pool, so give it a moment between steps; the real-time deadline only guards a hang.
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(waiting, Task.Delay(1, ct));
        }

        var run = await waiting;
        Assert.Equal(RunStatus.Failed, run!.Status);
        Assert.Equal("limits.timeout_seconds", run.Error!.Field);
        Assert.Empty(await node.Store.GetLedgerAsync(new LedgerQuery(), ct));
    }
}
