using Microsoft.Extensions.DependencyInjection;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Budget;

/// <summary>
/// Every budget policy, read from the store at most once per refresh interval. Policies change rarely
/// and every decision needs them; a change made on another node is seen within the interval.
/// </summary>
public sealed class PolicyCache
{
    private readonly IBudgetStore _store;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>Creates the cache.</summary>
    public PolicyCache(IBudgetStore store, [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options)
    {
        _store = store;
        _time = time;
        _options = options;
    }

    /// <summary>Policies by scope, fresh within the refresh interval.</summary>
    public async ValueTask<IReadOnlyDictionary<string, BudgetPolicy>> GetAllAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && _time.GetUtcNow() - snapshot.ReadAt < _options.RefreshInterval)
        {
            return snapshot.Policies;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            snapshot = _snapshot;
            if (snapshot is not null && _time.GetUtcNow() - snapshot.ReadAt < _options.RefreshInterval)
            {
                return snapshot.Policies;
            }

            var readAt = _time.GetUtcNow();
            var policies = await _store.GetPoliciesAsync(cancellationToken).ConfigureAwait(false);
            _snapshot = new Snapshot(readAt, policies.ToDictionary(p => p.Scope, StringComparer.Ordinal));
            return _snapshot.Policies;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Forgets the snapshot so the next read sees a change made on this node.</summary>
    public void Invalidate() => _snapshot = null;

    private sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyDictionary<string, BudgetPolicy> Policies);
}
