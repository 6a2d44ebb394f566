using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Runtime.Grains;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cluster.Tests;

public sealed class NodeFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PipelineDefinition ThreeSteps => PipelineParser.Parse("""
        { "id": "three", "steps": [
          { "name": "one", "invoke": { "capability": "ai-video-generate", "cache": false, "inputs": { "p": "{{ input.topic }}" } } },
          { "name": "two", "invoke": { "capability": "image-generate", "cache": false, "inputs": { "p": "{{ steps.one.result.url }}" } } },
          { "name": "three", "invoke": { "capability": "llm-chat", "cache": false, "inputs": { "prompt": "{{ steps.two.result.url }}" } } } ] }
        """).Pipeline!;

    [Fact]
    public async Task NodeKilledMidPipeline_AnotherNodeFinishesFromTheJournal_EachProviderInvokedOnce()
    {
        var clock = new ManualTimeProvider(TestNode.Start);
        var gated = new GatedProviderAdapter(new SimulatedProviderAdapter());
        await using var cluster = await TestCluster.StartAsync(2, clock, gated);
        var (first, second) = (cluster["node-1"], cluster["node-2"]);
        await first.AddProvidersAsync(
            TestProviders.Fixed("p-one", "ai-video-generate", 1m),
            TestProviders.Fixed("p-two", "image-generate", 2m),
            TestProviders.PerToken("p-three", 1000m, 1000m));
        var arrived = gated.CloseGate("p-two");

        var submitted = await first.Pipelines.SubmitAsync(ThreeSteps, JsonSerializer.SerializeToElement(new { topic = "tides" }), null, Ct);
        await arrived.WaitAsync(Ct);
        await cluster.KillAsync("node-1");

        // The dead node's lease still stands: nobody may take the run yet.
        Assert.Equal(0, await second.RecoverOrphanedRunsAsync(Ct));
        clock.Advance(second.Options.RunLeaseDuration + TimeSpan.FromSeconds(1));
        gated.OpenGate("p-two");
        Assert.Equal(1, await second.RecoverOrphanedRunsAsync(Ct));
        var run = await second.Grains.GetGrain<IPipelineRunGrain>(submitted.Run!.RunId).WaitAsync(Ct);

        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Equal(1, run.Resumes);
        Assert.Equal((1, 1, 1), (gated.Simulated.CallCount("p-one"), gated.Simulated.CallCount("p-two"), gated.Simulated.CallCount("p-three")));

        // What was charged through commits is exactly the run's total...
        var ledger = await second.Store.GetLedgerAsync(new LedgerQuery { RunId = run.RunId }, Ct);
        Assert.Equal(run.TotalCostCents, ledger.Where(e => !e.Unreconciled).Sum(e => e.ActualCents));
        Assert.Equal(3, ledger.Count);

        // ...and the dead node's in-flight reservation is settled conservatively once it expires, flagged for review.
        clock.Advance(second.Options.ReservationTtl);
        var settled = Assert.Single(await second.SettleExpiredAsync(Ct));
        Assert.Equal(("p-two", "two", 2m), (settled.Attribution.ProviderId, settled.Attribution.Step, settled.AmountCents));
        var unreconciled = Assert.Single(await second.Store.GetLedgerAsync(new LedgerQuery { RunId = run.RunId }, Ct), e => e.Unreconciled);
        Assert.Equal(2m, unreconciled.ActualCents);
    }

    [Fact]
    public async Task Membership_SilentNodeIsDeclaredDeadByAPeer()
    {
        var clock = new ManualTimeProvider(TestNode.Start);
        await using var cluster = await TestCluster.StartAsync(3, clock);
        await cluster.KillAsync("node-3");

        clock.Advance(cluster["node-1"].Options.DeadAfter + TimeSpan.FromSeconds(1));
        await cluster["node-2"].HeartbeatAsync(Ct);
        await cluster["node-1"].HeartbeatAsync(Ct);

        var nodes = (await cluster["node-1"].Store.GetNodesAsync(Ct)).ToDictionary(n => n.NodeId, n => n.Status);
        Assert.Equal(Abstractions.Cluster.NodeStatus.Dead, nodes["node-3"]);
        Assert.Equal(Abstractions.Cluster.NodeStatus.Live, nodes["node-1"]);
        Assert.Equal(Abstractions.Cluster.NodeStatus.Live, nodes["node-2"]);
    }

    [Fact]
    public async Task Reminder_DueWhileTheWholeClusterWasDown_FiresExactlyOnceAfterRestart()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 10, 20, 0, 0, TimeSpan.Zero));
        await using var cluster = await TestCluster.StartAsync(3, clock);
        await cluster["node-1"].SetDailyLimitAsync("global", 100m);
        foreach (var id in new[] { "node-1", "node-2", "node-3" })
        {
            await cluster.StopAsync(id);
        }

        clock.Advance(TimeSpan.FromDays(2));
        var nodes = await Task.WhenAll(new[] { "node-1", "node-2", "node-3" }.Select(cluster.StartNodeAsync));

        var fired = await Task.WhenAll(nodes.Select(n => n.FireRemindersAsync(Ct)));
        var again = await Task.WhenAll(nodes.Select(n => n.FireRemindersAsync(Ct)));

        Assert.Equal(1, fired.Sum());
        Assert.Equal(0, again.Sum());
        var reminder = Assert.Single(await nodes[0].Store.GetRemindersAsync(Ct));
        Assert.Equal((GrainRuntime.GrainTypeName(typeof(Abstractions.Budget.IBudgetGovernorGrain)), "global", BudgetGovernorGrain.WindowReminder),
            (reminder.GrainType, reminder.GrainKey, reminder.Name));
        Assert.Equal(new DateTimeOffset(2026, 3, 13, 0, 0, 0, TimeSpan.Zero), reminder.DueAt);
    }
}
