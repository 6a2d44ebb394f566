namespace CostOrchestrator.Core.Budget;

/// <summary>
/// How big a budget slice a silo may lease: big enough to serve its traffic for a while with no grain call, small
/// enough that the silos together never take more than a fraction of any scope's remaining head-room — so slices shrink
/// as a limit nears, and below a floor the silo stops leasing and every call goes to the governors (the exact path).
/// </summary>
public static class SliceSizing
{
    /// <summary>
    /// The slice to lease for calls of about <paramref name="callCents"/>, given each chain scope's head-room
    /// (null: unlimited) and what the previous slice of the chain used; zero when no slice should be leased.
    /// </summary>
    /// <param name="callCents">The worst case of the call asking (a slice must hold many of them).</param>
    /// <param name="previousUsedCents">What the chain's previous slice on this silo was charged and held (null: none yet).</param>
    /// <param name="headrooms">Each chain scope's head-room now.</param>
    /// <param name="options">Sizing bounds.</param>
    public static decimal Grant(decimal callCents, decimal? previousUsedCents, IEnumerable<decimal?> headrooms, SliceOptions options)
    {
        ArgumentNullException.ThrowIfNull(headrooms);
        ArgumentNullException.ThrowIfNull(options);
        var floor = callCents * options.MinCalls;
        if (floor <= 0m)
        {
            // A free call never needs a slice: the governors let zero through at once on an exhausted budget too.
            return 0m;
        }

        // Adapt to demand: twice what the last slice used, at least the floor, at most the cap. The first is the cap: a
        // chain that starts busy would otherwise run through many small slices (and the exact path between them)
        // before its slices grew to its traffic; the head-room share below still bounds it.
        var wanted = Math.Min(options.MaxCents, previousUsedCents is { } used ? Math.Max(floor, 2m * used) : options.MaxCents);
        foreach (var headroom in headrooms)
        {
            if (headroom is { } room)
            {
                wanted = Math.Min(wanted, room / options.HeadroomShare);
            }
        }

        // Rounded down to the micro-cent (what the stores keep); below the floor, the exact path.
        wanted = Math.Floor(wanted * 1_000_000m) / 1_000_000m;
        return wanted >= floor ? wanted : 0m;
    }
}

/// <summary>Bounds of budget slices (node configuration).</summary>
public sealed record SliceOptions
{
    /// <summary>False: every call goes to the governors.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The largest slice, in cents: the most a crashed silo can leave charged as unreconciled per chain.</summary>
    public decimal MaxCents { get; init; } = 100m;

    /// <summary>A slice takes at most this fraction (1/share) of any chain scope's remaining head-room.</summary>
    public decimal HeadroomShare { get; init; } = 16m;

    /// <summary>A slice smaller than this many calls' worst case is not worth leasing: the calls go to the governors.</summary>
    public int MinCalls { get; init; } = 16;

    /// <summary>A slice takes calls for at most this long, then is charged and given back; a new one is leased.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The most calls one slice takes.</summary>
    public int MaxCalls { get; init; } = 50_000;

    /// <summary>Committed calls are charged in the store (ledger rows in one transaction) at least this often.</summary>
    public TimeSpan FlushEvery { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a call that finds its chain between slices waits for the lease on its way before taking the exact path.</summary>
    public TimeSpan WaitForLease { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a chain waits after a refused lease (head-room too small) before asking again.</summary>
    public TimeSpan RetryAfterRefusal { get; init; } = TimeSpan.FromSeconds(1);
}
