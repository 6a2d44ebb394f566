using Microsoft.Extensions.DependencyInjection;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// Reads budgets: a scope's windows now, or a whole chain's tightest status and head-room, in one store
/// round trip, as written in the store (the governors decide; this is what reads show). A chain's reading for routing
/// on the lean path may be a recent one: reused until a budget write on this node (<see cref="MarkChanged"/>) or for
/// at most the refresh interval, so a write on another node is seen within it. Routing only orders and filters
/// candidates; the governors (or a slice they reserved) decide every charge exactly.
/// </summary>
public sealed class BudgetBook
{
    // Chains read recently; a bound on how many, since a key's scopes name the chain.
    private const int RecentChainsKept = 10_000;

    private readonly Dictionary<string, RecentChain> _recent = new(StringComparer.Ordinal);
    private long _generation;

    private readonly IBudgetStore _store;
    private readonly PolicyCache _policies;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;

    /// <summary>Creates the book.</summary>
    public BudgetBook(IBudgetStore store, PolicyCache policies, [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options)
    {
        _store = store;
        _policies = policies;
        _time = time;
        _options = options;
    }

    /// <summary>The state of each scope in <paramref name="scopes"/> (scopes without a policy are reported unlimited).</summary>
    public async Task<IReadOnlyList<ScopeBudget>> GetAsync(IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var policies = await _policies.GetAllAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var keys = new List<SpendKey>();
        foreach (var scope in scopes)
        {
            if (policies.TryGetValue(scope, out var policy))
            {
                keys.AddRange(policy.Windows.Select(w => new SpendKey(scope, w.Window, BudgetWindows.StartOf(w.Window, now, _options.TimeZone))));
            }
        }

        var spend = keys.Count == 0 ? [] : await _store.GetSpendAsync(keys, cancellationToken).ConfigureAwait(false);
        var byKey = spend.ToDictionary(s => s.Key);
        return scopes.Select(scope => Describe(scope, policies.GetValueOrDefault(scope), byKey, now)).ToList();
    }

    /// <summary>A budget write on this node changed what reads show: recent chain readings are not reused.</summary>
    public void MarkChanged() => Interlocked.Increment(ref _generation);

    /// <summary>
    /// The chain's tightest status and smallest head-room, for routing; with <paramref name="mayBeRecent"/>, a reading
    /// taken since the last budget write on this node and within the refresh interval is reused.
    /// </summary>
    public async Task<ChainBudget> GetChainAsync(IReadOnlyList<string> chain, Priority priority, CancellationToken cancellationToken, bool mayBeRecent = false)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (!mayBeRecent)
        {
            return await ReadChainAsync(chain, priority, cancellationToken).ConfigureAwait(false);
        }

        var key = string.Join('\n', chain.Prepend(priority.ToString()));
        var generation = Interlocked.Read(ref _generation);
        RecentChain? recent;
        lock (_recent)
        {
            // One reading in flight per chain: the callers that find it stale together all wait for the same read,
            // rather than each sending its own (a burst of them would queue on the store's connections).
            if (!_recent.TryGetValue(key, out recent) || recent.Generation != generation
                || TimeProvider.System.GetElapsedTime(recent.ReadAt) >= _options.RefreshInterval || recent.Reading.IsFaulted || recent.Reading.IsCanceled)
            {
                if (_recent.Count >= RecentChainsKept)
                {
                    _recent.Clear();
                }

                // The generation is taken before the read: a write landing during it leaves the reading already stale.
                recent = new RecentChain(ReadChainAsync(chain, priority, CancellationToken.None), generation, TimeProvider.System.GetTimestamp());
                _recent[key] = recent;
            }
        }

        return await recent.Reading.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<ChainBudget> ReadChainAsync(IReadOnlyList<string> chain, Priority priority, CancellationToken cancellationToken)
    {
        var scopes = (await GetAsync(chain, cancellationToken).ConfigureAwait(false)).Where(s => s.HasPolicy).ToList();
        var status = BudgetStatus.Normal;
        string? statusScope = null;
        decimal? headroom = null;
        string? headroomScope = null;
        foreach (var scope in scopes)
        {
            if (scope.Status > status)
            {
                status = scope.Status;
                statusScope = scope.Scope;
            }

            var overdraft = priority == Priority.High ? scope.OverdraftCents : 0m;
            foreach (var window in scope.Windows)
            {
                var room = BudgetMath.Headroom(window, overdraft);
                if (headroom is null || room < headroom)
                {
                    headroom = room;
                    headroomScope = scope.Scope;
                }
            }
        }

        return new ChainBudget { Scopes = scopes, Status = status, StatusScope = statusScope, HeadroomCents = headroom, HeadroomScope = headroomScope };
    }

    private sealed record RecentChain(Task<ChainBudget> Reading, long Generation, long ReadAt);

    private ScopeBudget Describe(string scope, BudgetPolicy? policy, Dictionary<SpendKey, SpendRow> spend, DateTimeOffset now)
    {
        if (policy is null)
        {
            return new ScopeBudget { Scope = scope, Status = BudgetStatus.Normal, Windows = [], Thresholds = BudgetThresholds.Default, HasPolicy = false };
        }

        var windows = policy.Windows.Select(w =>
        {
            var start = BudgetWindows.StartOf(w.Window, now, _options.TimeZone);
            var row = spend.GetValueOrDefault(new SpendKey(scope, w.Window, start));
            return BudgetMath.WindowStateOf(w, start, BudgetWindows.NextBoundary(w.Window, now, _options.TimeZone),
                row?.ChargedCents ?? 0m, row?.ReservedCents ?? 0m, policy.Thresholds, now);
        }).ToList();
        return new ScopeBudget
        {
            Scope = scope,
            Status = windows.Aggregate(BudgetStatus.Normal, (s, w) => BudgetMath.Worst(s, w.Status)),
            Windows = windows,
            Thresholds = policy.Thresholds,
            OverdraftCents = policy.OverdraftCents,
            HasPolicy = true,
        };
    }
}
