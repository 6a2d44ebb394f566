using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Core.Tests.Budget;

public sealed class BudgetSliceTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static SliceCharge Charge(decimal estimated, decimal actual) => new()
    {
        EntryId = "led_" + Guid.NewGuid().ToString("N"),
        ReservationId = "slc_" + Guid.NewGuid().ToString("N"),
        CreatedAt = Now,
        Attribution = new ChargeAttribution { ProviderId = "p" },
        EstimatedCents = estimated,
        ActualCents = actual,
    };

    [Fact]
    public void TryTake_HeldAndChargedNeverExceedTheGrant_AndATakeThatDoesNotFitClosesTheSlice()
    {
        var slice = new BudgetSlice("lease", 10m, Now.AddSeconds(2), maxCalls: 100);

        Assert.True(slice.TryTake(4m, Now));
        Assert.True(slice.TryTake(4m, Now));
        slice.Commit(Charge(4m, 1m)); // 4 held + 1 charged
        Assert.True(slice.TryTake(5m, Now)); // exactly the rest
        Assert.Equal(0m, slice.RemainingCents);
        Assert.False(slice.TryTake(0.000001m, Now));
        Assert.True(slice.IsClosed);

        // Calls in flight still end; the slice is final once they have.
        Assert.False(slice.IsDrained);
        slice.Release(4m);
        slice.Commit(Charge(5m, 5m));
        Assert.True(slice.IsDrained);
        Assert.Equal(6m, slice.ChargedCents);
    }

    [Fact]
    public void TryTake_StopsAtTheSlicesEnd_AndAfterItsLastCall()
    {
        var timed = new BudgetSlice("a", 10m, Now.AddSeconds(2), maxCalls: 100);
        Assert.False(timed.TryTake(1m, Now.AddSeconds(2)));
        Assert.True(timed.IsClosed);

        var counted = new BudgetSlice("b", 10m, Now.AddSeconds(2), maxCalls: 2);
        Assert.True(counted.TryTake(1m, Now));
        Assert.True(counted.TryTake(1m, Now));
        Assert.False(counted.TryTake(1m, Now));
    }

    [Fact]
    public async Task TryTake_ManyThreadsRacing_NeverTakeMoreThanTheGrant_AndTheChargesAddUpExactly()
    {
        const decimal grant = 1_000m;
        var slice = new BudgetSlice("lease", grant, Now.AddHours(1), maxCalls: int.MaxValue);
        var taken = 0L;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            await go.Task;
            for (var i = 0; i < 50_000; i++)
            {
                var worst = 0.001m + (i % 5) * 0.000371m;
                if (!slice.TryTake(worst, Now))
                {
                    return;
                }

                Interlocked.Increment(ref taken);
                if (i % 3 == 0)
                {
                    slice.Release(worst);
                }
                else
                {
                    slice.Commit(Charge(worst, CostOrchestrator.Core.Money.Cents.RoundUp(worst / 2)));
                }
            }
        })).ToList();
        go.SetResult();
        await Task.WhenAll(workers);

        var (charges, chargedSoFar) = slice.TakeUnflushed();
        Assert.True(slice.ChargedCents <= grant);
        Assert.Equal(slice.ChargedCents, charges.Sum(c => c.ActualCents));
        Assert.Equal(slice.ChargedCents, chargedSoFar);
        Assert.Equal(grant - slice.ChargedCents, slice.RemainingCents);
        Assert.True(taken > 0);
    }

    [Fact]
    public void TakeUnflushed_RunningTotalGrowsAcrossFlushes_AndAFailedFlushIsPutBackFirst()
    {
        var slice = new BudgetSlice("lease", 100m, Now.AddSeconds(2), maxCalls: 100);
        slice.TryTake(2m, Now);
        slice.Commit(Charge(2m, 1.5m));
        var (first, soFar) = slice.TakeUnflushed();
        Assert.Equal(1.5m, soFar);
        slice.Flushed(soFar);

        slice.TryTake(2m, Now);
        var failing = Charge(2m, 2m);
        slice.Commit(failing);
        var (second, _) = slice.TakeUnflushed();
        slice.Unflush(second);
        slice.TryTake(1m, Now);
        slice.Commit(Charge(1m, 0.25m));

        var (retried, total) = slice.TakeUnflushed();
        Assert.Single(first);
        Assert.Equal(failing, retried[0]);
        Assert.Equal(3.75m, total);
    }
}
