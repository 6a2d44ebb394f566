namespace CostOrchestrator.Runtime.Grains;

/// <summary>
/// One activation of one grain on this node: the grain instance, its turn lock (calls run one at a
/// time, in arrival order) and the bookkeeping for idle deactivation.
/// </summary>
internal sealed class GrainActivation
{
    // SemaphoreSlim queues async waiters in arrival order, which gives the mailbox its FIFO fairness.
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Lazy<Task> _activation;
    private int _keepAlive;
    private long _lastUsedTicks;

    public GrainActivation(GrainRuntime runtime, string grainType, string key, Grain grain)
    {
        Runtime = runtime;
        GrainType = grainType;
        Key = key;
        Grain = grain;
        grain.Attach(this);
        _activation = new Lazy<Task>(() => grain.OnActivateAsync(runtime.Stopping));
        Touch();
    }

    public GrainRuntime Runtime { get; }

    public string GrainType { get; }

    public string Key { get; }

    public Grain Grain { get; }

    public bool Deactivated { get; private set; }

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    public bool IsKeptAlive => Volatile.Read(ref _keepAlive) > 0;

    public Task EnsureActivatedAsync() => _activation.Value;

    public async Task<T> RunTurnAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Deactivated)
            {
                throw new ActivationDeactivatedException();
            }

            Touch();
            await EnsureActivatedAsync().ConfigureAwait(false);
            return await work().ConfigureAwait(false);
        }
        finally
        {
            Touch();
            _turn.Release();
        }
    }

    public async Task<T> RunInterleavedAsync<T>(Func<Task<T>> work)
    {
        if (Deactivated)
        {
            throw new ActivationDeactivatedException();
        }

        Touch();
        await EnsureActivatedAsync().ConfigureAwait(false);
        return await work().ConfigureAwait(false);
    }

    public IDisposable KeepAlive()
    {
        Interlocked.Increment(ref _keepAlive);
        return new Releaser(this);
    }

    /// <summary>Deactivates when idle (or unconditionally when <paramref name="force"/>); true when it did.</summary>
    public async Task<bool> TryDeactivateAsync(DateTimeOffset idleBefore, bool force, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Deactivated || (!force && (IsKeptAlive || LastUsed > idleBefore)))
            {
                return false;
            }

            Deactivated = true;
            if (_activation.IsValueCreated && _activation.Value.IsCompletedSuccessfully)
            {
                await Grain.OnDeactivateAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        finally
        {
            _turn.Release();
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastUsedTicks, Runtime.Time.GetUtcNow().UtcTicks);

    private sealed class Releaser(GrainActivation activation) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref activation._keepAlive);
                activation.Touch();
            }
        }
    }
}

/// <summary>The activation was deactivated while the call waited; the runtime retries on a fresh one.</summary>
internal sealed class ActivationDeactivatedException : Exception
{
}
