using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Grains.Invocation;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace CostOrchestrator.Grains.Tests.Budget;

/// <summary>Calls decided in a silo's budget slice: no overspend, and the ledger and the governor agree to the micro-cent.</summary>
public sealed class BudgetSlicesTests
{
    private const decimal CallCents = 0.01m;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static InvocationContext Call(int i) => SlicedCalls.Call("slices", i);

    private static async Task<(CostOrchestratorNode Node, ManualTimeProvider Clock)> StartAsync(TempDirectory dir, decimal limit)
    {
        var clock = new ManualTimeProvider(TestNode.Start);
        var node = await TestNode.StartAsync(dir.Path, clock, cancellationToken: Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("p", "llm-chat", CallCents));
        await node.SetDailyLimitAsync("team:a", limit);
        return (node, clock);
    }

    private static Task<InvocationOutcome[]> CallManyAsync(CostOrchestratorNode node, int from, int count)
    {
        var executor = node.Services.GetRequiredService<InvocationExecutor>();
        return Task.WhenAll(Enumerable.Range(from, count).Select(i => Task.Run(() => executor.InvokeAsync(Call(i), Ct))));
    }

    // Ends every slice (their time passes), then waits until the leases are given back: all that is left is charges.
    private static async Task<WindowState> SettledAsync(CostOrchestratorNode node, ManualTimeProvider clock)
    {
        clock.Advance(node.Options.Slices.Lifetime);
        var slices = node.Services.GetRequiredService<BudgetSlices>();
        await Eventually.ReturnsAsync(() => Task.FromResult(slices.Describe()), s => s.Count == 0, Ct);
        return await Eventually.ReturnsAsync(async () => (await node.BudgetAsync("team:a")).Windows[0], w => w.ReservedCents == 0m, Ct);
    }

    [Fact]
    public async Task SlicedCalls_AreDecidedOnTheSilo_ChargedInBatches_AndTheLedgerEqualsTheGovernorOnceTheLeaseIsGivenBack()
    {
        using var dir = new TempDirectory();
        var (node, clock) = await StartAsync(dir, limit: 1_000m);
        await using var _ = node;
        var slices = node.Services.GetRequiredService<BudgetSlices>();

        // The first call finds no slice: it takes the exact path and asks for a lease for the calls after it.
        Assert.True((await CallManyAsync(node, 0, 1))[0].Succeeded);
        var leased = await Eventually.ReturnsAsync(() => Task.FromResult(slices.Describe()), s => s.Count > 0, Ct);
        Assert.Equal(["global", "team:a", "capability:llm-chat", "provider:p"], leased[0].Chain);

        var outcomes = await CallManyAsync(node, 1, 300);
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));

        // Charged in the store within a flush; the lease still holds what its calls did not use.
        await slices.FlushAsync(Ct);
        var ledger = await node.Store.GetLedgerAsync(new LedgerQuery { Scope = "team:a", Limit = 1_000 }, Ct);
        Assert.Equal(301, ledger.Count);
        Assert.Contains(ledger, e => e.ReservationId!.StartsWith("slc_", StringComparison.Ordinal));
        Assert.All(ledger, e => Assert.Equal(("p", "llm-chat", CallCents, CallCents), (e.Attribution.ProviderId, e.Attribution.Capability, e.EstimatedCents, e.ActualCents)));
        Assert.Equal(301 * CallCents, (await node.BudgetAsync("team:a")).Windows[0].SpentCents);

        var window = await SettledAsync(node, clock);
        Assert.Equal(301 * CallCents, window.SpentCents);
        Assert.Equal(window.SpentCents, (await node.Store.GetLedgerAsync(new LedgerQuery { Scope = "team:a", Limit = 1_000 }, Ct)).Sum(e => e.ActualCents));

        // The governor's own account (what it decides on) says the same.
        Assert.Equal(1_000m - window.SpentCents, await node.Grains.GetGrain<IGovernorHoldsGrain>("team:a").HeadroomAsync(Ct));
    }

    [Fact]
    public async Task NearTheLimit_NoSliceIsLeased_EveryCallTakesTheExactPath_AndTheLimitHoldsToTheCall()
    {
        using var dir = new TempDirectory();
        // A sixteenth of 2¢ of head-room is less than 16 calls of 0.01¢: not worth a slice.
        var (node, clock) = await StartAsync(dir, limit: 2m);
        await using var _ = node;

        var outcomes = await CallManyAsync(node, 0, 300);

        Assert.Equal(200, outcomes.Count(o => o.Succeeded));
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.Equal(RunErrorCodes.BudgetExceeded, o.Error!.Code));
        Assert.Empty(node.Services.GetRequiredService<BudgetSlices>().Describe());
        var window = await SettledAsync(node, clock);
        var ledger = await node.Store.GetLedgerAsync(new LedgerQuery { Scope = "team:a", Limit = 1_000 }, Ct);
        Assert.Equal(2m, window.SpentCents);
        Assert.All(ledger, e => Assert.StartsWith("res_", e.ReservationId!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DemandFarAboveTheLimit_SlicesShrinkAndHandOver_NeverACentOver_AndEverySuccessIsCharged()
    {
        using var dir = new TempDirectory();
        const decimal limit = 5m;
        var (node, clock) = await StartAsync(dir, limit);
        await using var _ = node;

        // Waves, so slices are leased, spent and shrunk as the head-room falls, until calls go to the governor.
        var outcomes = new List<InvocationOutcome>();
        for (var wave = 0; wave < 10; wave++)
        {
            outcomes.AddRange(await CallManyAsync(node, wave * 100, 100));
        }

        var window = await SettledAsync(node, clock);
        var ledger = await node.Store.GetLedgerAsync(new LedgerQuery { Scope = "team:a", Limit = 2_000 }, Ct);
        var succeeded = outcomes.Count(o => o.Succeeded);
        Assert.True(window.SpentCents <= limit, $"spent {window.SpentCents} over {limit}");
        Assert.Equal(succeeded * CallCents, window.SpentCents);
        Assert.Equal(window.SpentCents, ledger.Sum(e => e.ActualCents));
        Assert.Equal(succeeded, ledger.Count);
        Assert.Contains(ledger, e => e.ReservationId!.StartsWith("slc_", StringComparison.Ordinal));
        Assert.Contains(ledger, e => e.ReservationId!.StartsWith("res_", StringComparison.Ordinal));
        Assert.Contains(outcomes, o => !o.Succeeded);
    }
}
