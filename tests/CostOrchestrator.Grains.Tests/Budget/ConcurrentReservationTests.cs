using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Grains.Tests.Budget;

public sealed class ConcurrentReservationTests
{
    [Fact]
    public async Task Reserve_64ConcurrentCallersOnOneScope_NeverOverspendAndLedgerEqualsSpentExactly()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        const decimal limit = 100.5m;
        await node.SetDailyLimitAsync("team:media", limit);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Phase 1: 64 callers reserve mixed sizes with fractions of a cent, all released at once.
        var reservations = Enumerable.Range(0, 64).Select(async i =>
        {
            var amount = 1.25m + (i % 7) * 1.333333m;
            await go.Task;
            var outcome = await node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey).ReserveAsync(new ReservationRequest
            {
                Chain = ["global", "team:media", $"user:u{i}"],
                AmountCents = amount,
                IdempotencyKey = $"caller-{i}",
            }, ct);
            return (Caller: i, Amount: amount, Outcome: outcome);
        }).ToList();
        go.SetResult();
        var results = await Task.WhenAll(reservations);

        var approved = results.Where(r => r.Outcome.Approved).ToList();
        var denied = results.Where(r => !r.Outcome.Approved).ToList();
        var held = (await node.BudgetAsync("team:media")).Windows[0];
        Assert.True(approved.Sum(r => r.Amount) <= limit, $"approved {approved.Sum(r => r.Amount)} exceeds {limit}");
        Assert.Equal(approved.Sum(r => r.Amount), held.ReservedCents);
        Assert.NotEmpty(denied);
        Assert.All(denied, r =>
        {
            // Each refusal was right when it was decided: the request did not fit the head-room then.
            Assert.Equal("team:media", r.Outcome.Denial!.Scope);
            Assert.True(r.Outcome.Denial.SpentCents + r.Outcome.Denial.ReservedCents + r.Amount > limit);
        });

        // Phase 2: every approved caller commits its actual cost (below the worst case) concurrently.
        await Task.WhenAll(approved.Select(r => node.Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey)
            .CommitAsync(r.Outcome.Reservation!.ReservationId, decimal.Round(r.Amount * 0.9m, 6), cancellationToken: ct)));

        var window = (await node.BudgetAsync("team:media")).Windows[0];
        var ledger = await node.Store.GetLedgerAsync(new LedgerQuery { Scope = "team:media" }, ct);
        Assert.Equal(approved.Sum(r => decimal.Round(r.Amount * 0.9m, 6)), window.SpentCents);
        Assert.Equal(0m, window.ReservedCents);
        Assert.Equal(window.SpentCents, ledger.Sum(e => e.ActualCents));
        Assert.Equal(approved.Count, ledger.Count);
        Assert.True(window.SpentCents <= limit);
    }

    [Fact]
    public async Task Run_64ConcurrentPipelineRunsAgainstOneGlobalLimit_ChargeExactlyWhatFits()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 3.333333m));
        // Thresholds at 100 %: this test is about exact arbitration of head-room, not the degradation curve
        // (which would otherwise, depending on timing, route some late runs away from the paid provider at 90 %).
        await node.Grains.GetGrain<IBudgetGovernorGrain>("global").SetPolicyAsync(new BudgetPolicy
        {
            Scope = "global",
            Windows = [new BudgetWindowLimit { Window = WindowKind.Day, LimitCents = 100m }],
            Thresholds = new BudgetThresholds { Warn = 1m, Constrained = 1m, Exhausted = 1m },
        }, ct);
        var pipeline = Pipelines.Pipelines.OneStep("ai-video-generate", """, "cache": false""");

        var runs = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            node.Pipelines.RunAsync(pipeline, JsonSerializer.SerializeToElement(new { text = $"scene {i}" }), ct)));

        var succeeded = runs.Count(r => r.Run!.Status == RunStatus.Succeeded);
        var global = (await node.BudgetAsync("global")).Windows[0];
        var outcomes = string.Join("; ", runs.GroupBy(r => (r.Run!.Status, r.Run.Error?.Message)).Select(g => $"{g.Count()}x {g.Key.Status} {g.Key.Message}"));
        Assert.True(succeeded == 30, $"expected 30 (floor(100 / 3.333333)) to succeed: {outcomes}");
        Assert.Equal(34, runs.Count(r => r.Run!.Status == RunStatus.BudgetRejected));
        Assert.Equal(succeeded * 3.333333m, global.SpentCents);
        Assert.Equal(global.SpentCents, (await node.Store.GetLedgerAsync(new LedgerQuery { Scope = "global" }, ct)).Sum(e => e.ActualCents));
        Assert.Equal(global.SpentCents, runs.Sum(r => r.Run!.TotalCostCents));
    }
}
