using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Grains.Invocation;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace CostOrchestrator.Cluster.Tests;

/// <summary>Budget slices on three silos over one PostgreSQL: demand far above the limit, a silo killed, never a cent over.</summary>
public sealed class ClusterSliceTests
{
    private const decimal CallCents = 0.01m;
    private const decimal Limit = 20m;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static InvocationContext Call(int i) => SlicedCalls.Call("cluster-slices", i);

    // Calls on one node; a call cut off by a silo's death has no known outcome (null).
    private static Task<InvocationOutcome?[]> CallAsync(CostOrchestratorNode node, int from, int count, bool mayDie = false)
    {
        var executor = node.Services.GetRequiredService<InvocationExecutor>();
        return Task.WhenAll(Enumerable.Range(from, count).Select(i => Task.Run<InvocationOutcome?>(async () =>
        {
            try
            {
                return await executor.InvokeAsync(Call(i), Ct);
            }
            catch (Exception) when (mayDie)
            {
                return null;
            }
        })));
    }

    [Fact]
    public async Task SlicedCalls_OnThreeSilos_DemandFarAboveTheLimit_ASiloKilled_NeverOverspend_AndLedgerEqualsTheGovernor()
    {
        var clock = new ManualTimeProvider(TestNode.Start);
        await using var cluster = await TestCluster.StartAsync(3, clock);
        var nodes = new[] { cluster["node-1"], cluster["node-2"], cluster["node-3"] };
        await nodes[0].AddProvidersAsync(TestProviders.Fixed("p", "llm-chat", CallCents));
        await nodes[0].SetDailyLimitAsync("team:a", Limit);

        // Every silo spends from a slice of its own (the first call of each asks for one).
        var outcomes = new List<InvocationOutcome?>();
        for (var n = 0; n < 3; n++)
        {
            outcomes.AddRange(await CallAsync(nodes[n], n * 1_000, 1));
            var slices = nodes[n].Services.GetRequiredService<BudgetSlices>();
            await Eventually.ReturnsAsync(() => Task.FromResult(slices.Describe()), s => s.Count > 0, Ct);
        }

        for (var wave = 0; wave < 3; wave++)
        {
            outcomes.AddRange((await Task.WhenAll(nodes.Select((node, n) => CallAsync(node, 10_000 + wave * 1_000 + n * 100, 100)))).SelectMany(o => o));
        }

        Assert.NotEmpty(nodes[2].Services.GetRequiredService<BudgetSlices>().Describe());

        // node-3 dies with calls in flight and a slice leased; the survivors go on far past the limit. A call in flight
        // during the kill may fail on any silo (its silo died, or a governor it needed lived there): no known outcome.
        var cutOff = nodes.Select((node, n) => CallAsync(node, 20_000 + n * 300, 300, mayDie: true)).ToList();
        await cluster.KillAsync("node-3");
        outcomes.AddRange((await Task.WhenAll(cutOff)).SelectMany(o => o));
        await Eventually.ReturnsAsync(
            () => nodes[0].Grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false),
            all => all.Any(h => h.SiloName == "node-3" && h.Status == SiloStatus.Dead), Ct);
        for (var wave = 0; wave < 6; wave++)
        {
            outcomes.AddRange((await Task.WhenAll(nodes.Take(2).Select((node, n) => CallAsync(node, 30_000 + wave * 1_000 + n * 200, 200)))).SelectMany(o => o));
        }

        // The survivors' slices end (their time passes) and are given back; the dead silo's lease is settled for what it
        // still held. Then nothing is held, and every figure agrees.
        clock.Advance(nodes[0].Options.Slices.Lifetime);
        var window = await Eventually.ReturnsAsync(async () => (await nodes[0].BudgetAsync("team:a")).Windows[0], w => w.ReservedCents == 0m, Ct);
        var ledger = await nodes[0].Store.GetLedgerAsync(new LedgerQuery { Scope = "team:a", Limit = 100_000 }, Ct);
        var succeeded = outcomes.Count(o => o is { Succeeded: true });

        Assert.True(window.SpentCents <= Limit, $"spent {window.SpentCents} over {Limit}");
        Assert.Equal(window.SpentCents, ledger.Sum(e => e.ActualCents));
        Assert.True(succeeded * CallCents <= window.SpentCents, $"{succeeded} calls succeeded, {window.SpentCents}¢ spent");
        Assert.Contains(outcomes, o => o is { Succeeded: false, Error.Code: RunErrorCodes.BudgetExceeded });
        Assert.Contains(ledger, e => e.ReservationId!.StartsWith("slc_", StringComparison.Ordinal));
        Assert.Contains(ledger, e => e.Unreconciled); // the dead silo's lease: what it still held, charged
        Assert.Equal(Limit - window.SpentCents, await nodes[1].Grains.GetGrain<IGovernorHoldsGrain>("team:a").HeadroomAsync(Ct));
    }
}
