using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Core.Tests.Budget;

public sealed class SliceSizingTests
{
    private static readonly SliceOptions Options = new() { MaxCents = 100m, HeadroomShare = 16m, MinCalls = 16 };

    [Fact]
    public void Grant_IsAFractionOfTheTightestScopesHeadroom_CappedAndUnlimitedScopesIgnored()
    {
        Assert.Equal(100m, SliceSizing.Grant(1m, 1_000m, [null, 1_000_000m], Options));
        Assert.Equal(62.5m, SliceSizing.Grant(1m, 1_000m, [null, 1_000_000m, 1_000m], Options));
    }

    [Fact]
    public void Grant_AdaptsToWhatThePreviousSliceUsed()
    {
        Assert.Equal(100m, SliceSizing.Grant(1m, previousUsedCents: null, [null], Options));  // first: the cap
        Assert.Equal(16m, SliceSizing.Grant(1m, previousUsedCents: 2m, [null], Options));     // little used: the floor
        Assert.Equal(60m, SliceSizing.Grant(1m, previousUsedCents: 30m, [null], Options));    // twice what was used
    }

    [Fact]
    public void Grant_NearTheLimit_IsZero_SoCallsTakeTheExactPath()
    {
        // 16 calls of 1¢ need 16¢; a sixteenth of 255¢ of head-room is less.
        Assert.Equal(0m, SliceSizing.Grant(1m, null, [255m], Options));
        Assert.Equal(16m, SliceSizing.Grant(1m, null, [256m], Options)); // a sixteenth of the head-room: just the floor
        Assert.Equal(0m, SliceSizing.Grant(0m, null, [1_000m], Options)); // free calls need no slice
    }
}
