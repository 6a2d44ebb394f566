using System.Collections.Concurrent;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Pipelines;

/// <summary>
/// The run leases this node holds. A running pipeline executes only on the node holding its lease; the
/// lease is renewed with the heartbeat, and a run whose lease could not be renewed is stopped here (its
/// writes are fenced by the store anyway) because another node may already have taken it over.
/// </summary>
public sealed class RunLeases
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _held = new(StringComparer.Ordinal);
    private readonly IRunStore _store;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;

    /// <summary>Creates the keeper.</summary>
    public RunLeases(IRunStore store, TimeProvider time, NodeOptions options)
    {
        _store = store;
        _time = time;
        _options = options;
    }

    /// <summary>True when this node holds the run's lease (checked on every save of a running pipeline).</summary>
    public bool Holds(string runId) => _held.ContainsKey(runId);

    /// <summary>Takes a run's lease; true when this node may execute it.</summary>
    public async Task<bool> TryAcquireAsync(string runId, CancellationTokenSource execution, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (!await _store.TryAcquireRunLeaseAsync(runId, _options.NodeId, now, now + _options.RunLeaseDuration, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        _held[runId] = execution;
        return true;
    }

    /// <summary>Gives a lease back when the run finished or parked.</summary>
    public async Task ReleaseAsync(string runId, CancellationToken cancellationToken)
    {
        _held.TryRemove(runId, out _);
        await _store.ReleaseRunLeaseAsync(runId, _options.NodeId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Renews every held lease; stops executions whose lease was lost. Returns how many were lost.</summary>
    public async Task<int> RenewAsync(CancellationToken cancellationToken)
    {
        var held = _held.Keys.ToList();
        if (held.Count == 0)
        {
            return 0;
        }

        var renewed = (await _store.RenewRunLeasesAsync(_options.NodeId, held, _time.GetUtcNow() + _options.RunLeaseDuration, cancellationToken).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        var lost = 0;
        foreach (var runId in held.Where(id => !renewed.Contains(id)))
        {
            if (_held.TryRemove(runId, out var execution))
            {
                await execution.CancelAsync().ConfigureAwait(false);
                lost++;
            }
        }

        return lost;
    }
}
