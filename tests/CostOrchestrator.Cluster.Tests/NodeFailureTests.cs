using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using CostOrchestrator.Grains.Hosting;

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
    public async Task NodeKilledMidPipeline_AnotherSiloFinishesFromTheJournal_EachProviderInvokedOnce()
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

        // The run is placed on the silo that submits it; it dies while step two's provider call is in flight.
        var submitted = await first.Pipelines.SubmitAsync(ThreeSteps, JsonSerializer.SerializeToElement(new { topic = "tides" }), null, Ct);
        await arrived.WaitAsync(Ct);
        // Forgotten before the kill, so the call it cuts off never runs on (a silo being stopped cancels its calls).
        gated.ForgetGate("p-two");
        await cluster.KillAsync("node-1");

        // Once membership declares node-1 dead, the next call activates the run on node-2, which continues it.
        var run = await Eventually.ReturnsAsync(
            () => second.Grains.GetGrain<IPipelineRunGrain>(submitted.Run!.RunId).WaitAsync(Ct),
            r => r?.Status == RunStatus.Succeeded, Ct);

        Assert.Equal(1, run!.Resumes);
        Assert.Equal((1, 1, 1), (gated.Simulated.CallCount("p-one"), gated.Simulated.CallCount("p-two"), gated.Simulated.CallCount("p-three")));

        // What was charged through commits is exactly what the run's invocations cost, and the dead silo's in-flight
        // reservation is settled conservatively as soon as membership declares the silo dead (the clock has not moved:
        // no TTL expired), flagged for review.
        var ledger = await Eventually.ReturnsAsync(
            () => second.Store.GetLedgerAsync(new LedgerQuery { RunId = run.RunId }, Ct), l => l.Any(e => e.Unreconciled), Ct);
        Assert.Equal(run.Steps.SelectMany(s => s.Invocations).Where(i => !i.Unreconciled).Sum(i => i.ActualCents), ledger.Where(e => !e.Unreconciled).Sum(e => e.ActualCents));
        Assert.Equal(3, ledger.Count(e => !e.Unreconciled));
        var unreconciled = Assert.Single(ledger, e => e.Unreconciled);
        Assert.Equal(("p-two", "two", 2m), (unreconciled.Attribution.ProviderId, unreconciled.Attribution.Step, unreconciled.ActualCents));

        // The settled charge is the run's too: its record counts it in step two, so the run costs what the ledger says.
        var charged = await Eventually.ReturnsAsync(
            () => second.Grains.GetGrain<IPipelineRunGrain>(run.RunId).GetAsync(Ct), r => r!.TotalCostCents == ledger.Sum(e => e.ActualCents), Ct);
        var settledCall = Assert.Single(charged!.Steps[1].Invocations, i => i.Unreconciled);
        Assert.Equal(("p-two", 2m), (settledCall.ProviderId, settledCall.ActualCents));
    }

    [Fact]
    public async Task Membership_KilledSiloIsDeclaredDeadByItsPeers()
    {
        // About Orleans' ADO.NET membership on our schema: the death is declared in the membership table.
        await using var cluster = await AdoNetTestCluster.StartAsync(3);
        await cluster.KillAsync("node-3");

        var management = cluster["node-1"].Grains.GetGrain<IManagementGrain>(0);
        var hosts = await Eventually.ReturnsAsync(
            () => management.GetDetailedHosts(onlyActive: false),
            all => all.Any(h => h.SiloName == "node-3" && h.Status == SiloStatus.Dead), Ct);

        Assert.Equal(SiloStatus.Active, hosts.Single(h => h.SiloName == "node-1" && h.Status != SiloStatus.Dead).Status);
        Assert.Equal(SiloStatus.Active, hosts.Single(h => h.SiloName == "node-2" && h.Status != SiloStatus.Dead).Status);
    }

    [Fact]
    public async Task WindowReminder_SurvivesAWholeClusterRestart()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 10, 20, 0, 0, TimeSpan.Zero));
        await using var cluster = await TestCluster.StartAsync(3, clock);
        await cluster["node-1"].SetDailyLimitAsync("global", 100m);
        foreach (var id in new[] { "node-1", "node-2", "node-3" })
        {
            await cluster.StopAsync(id);
        }

        var nodes = await Task.WhenAll(new[] { "node-1", "node-2", "node-3" }.Select(cluster.StartNodeAsync));

        // Orleans' ADO.NET reminder table kept the governor's reminder across the restart.
        var grain = nodes[0].Grains.GetGrain<Abstractions.Budget.IBudgetGovernorGrain>("global").GetGrainId();
        var reminder = await nodes[0].Services.GetRequiredService<IReminderTable>().ReadRow(grain, BudgetGovernorGrain.WindowReminder, Ct);
        Assert.Equal(TimeSpan.FromDays(1), reminder!.Period);
    }
}
