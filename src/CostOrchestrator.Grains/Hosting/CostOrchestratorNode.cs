using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Cluster;
using CostOrchestrator.Abstractions.Grains;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Grains.Invocation;
using CostOrchestrator.Grains.Pipelines;
using CostOrchestrator.Grains.Registry;
using CostOrchestrator.Providers;
using CostOrchestrator.Providers.Anthropic;
using CostOrchestrator.Providers.Command;
using CostOrchestrator.Providers.Http;
using CostOrchestrator.Providers.HttpJson;
using CostOrchestrator.Providers.OpenAi;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Runtime.Grains;
using CostOrchestrator.Runtime.Reminders;
using CostOrchestrator.Storage;
using CostOrchestrator.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Hosting;

/// <summary>
/// One node: store, grain runtime, grains, provider adapters and the background loops (reminders,
/// settling expired reservations, health checks, idle collection). The CLI embeds one; the server hosts one.
/// </summary>
public sealed partial class CostOrchestratorNode : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly ILogger<CostOrchestratorNode> _logger;
    private readonly HttpClient? _http;

    private CostOrchestratorNode(ServiceProvider services, HttpClient? http)
    {
        _services = services;
        _http = http;
        _logger = services.GetRequiredService<ILogger<CostOrchestratorNode>>();
    }

    /// <summary>The grains.</summary>
    public IGrainFactory Grains => _services.GetRequiredService<IGrainFactory>();

    /// <summary>The store.</summary>
    public ICostOrchestratorStore Store => _services.GetRequiredService<ICostOrchestratorStore>();

    /// <summary>Pipelines and runs.</summary>
    public PipelineService Pipelines => _services.GetRequiredService<PipelineService>();

    /// <summary>Settings.</summary>
    public NodeOptions Options => _services.GetRequiredService<NodeOptions>();

    /// <summary>The services (for hosts that add endpoints).</summary>
    public IServiceProvider Services => _services;

    /// <summary>The grain runtime.</summary>
    internal GrainRuntime Runtime => _services.GetRequiredService<GrainRuntime>();

    /// <summary>Builds, initialises, seeds (when the store is empty) and starts a node.</summary>
    public static async Task<CostOrchestratorNode> StartAsync(NodeBuilder builder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Options;
        var services = new ServiceCollection();
        services.AddSingleton(builder.LoggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(options);
        services.AddSingleton(builder.Time);
        services.AddSingleton(builder.Runtime);
        var store = builder.StoreFactory?.Invoke(options) ?? new SqliteStore(Path.Combine(options.DataDirectory, "costorch.db"));
        services.AddSingleton(store);
        services.AddSingleton<IBudgetStore>(store);
        services.AddSingleton<IRunStore>(store);
        services.AddSingleton<IRegistryStore>(store);
        services.AddSingleton<ICacheStore>(store);
        services.AddSingleton<IReminderStore>(store);

        var adapters = builder.Adapters.ToList();
        if (adapters.All(a => a.Kind != "simulated"))
        {
            adapters.Add(new SimulatedProviderAdapter());
        }

        if (adapters.All(a => a.Kind != "command"))
        {
            adapters.Add(new CommandProviderAdapter());
        }

        // The HTTP adapters share one client, owned by the node, so connections are pooled across providers.
        HttpClient? http = null;
        if (adapters.All(a => a.Kind != "openai-compatible"))
        {
            adapters.Add(new OpenAiCompatibleProviderAdapter(http ??= HttpProviderSupport.CreateClient()));
        }

        if (adapters.All(a => a.Kind != "anthropic"))
        {
            adapters.Add(new AnthropicProviderAdapter(http ??= HttpProviderSupport.CreateClient()));
        }

        if (adapters.All(a => a.Kind != "http-json"))
        {
            adapters.Add(new HttpJsonProviderAdapter(http ??= HttpProviderSupport.CreateClient()));
        }

        services.AddSingleton(new ProviderAdapters(adapters));
        services.AddSingleton(sp => new ReminderService(store, builder.Time, new ReminderServiceOptions(), options.NodeId, sp.GetRequiredService<ILogger<ReminderService>>()));
        services.AddSingleton<IReminderRegistry>(sp => sp.GetRequiredService<ReminderService>());
        services.AddSingleton(sp => new GrainRuntime(
            new Dictionary<Type, Type>
            {
                [typeof(IBudgetGovernorGrain)] = typeof(BudgetGovernorGrain),
                [typeof(ICapabilityRegistryGrain)] = typeof(CapabilityRegistryGrain),
                [typeof(IPipelineRunGrain)] = typeof(PipelineRunGrain),
            },
            sp,
            sp.GetRequiredService<IReminderRegistry>(),
            builder.Time,
            builder.Runtime,
            sp.GetRequiredService<ILogger<GrainRuntime>>()));
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddSingleton<PolicyCache>();
        services.AddSingleton<BudgetBook>();
        services.AddSingleton<QueuedRunWaker>();
        services.AddSingleton<InvocationExecutor>();
        services.AddSingleton<PipelineService>();
        services.AddSingleton<PipelineExplainer>();
        services.AddSingleton<ReservationBatcher>();
        services.AddSingleton<RunLeases>();
        services.AddSingleton<IMembershipStore>(store);

        var provider = services.BuildServiceProvider();
        var node = new CostOrchestratorNode(provider, http);
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (builder.Seed is { } seed)
        {
            await node.SeedAsync(seed, cancellationToken).ConfigureAwait(false);
        }

        var now = builder.Time.GetUtcNow();
        await store.UpsertNodeAsync(new ClusterNode { NodeId = options.NodeId, Address = options.Address, StartedAt = now, LastHeartbeatAt = now, Status = NodeStatus.Live }, cancellationToken).ConfigureAwait(false);
        await node.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey).CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        await node.RecoverOrphanedRunsAsync(cancellationToken).ConfigureAwait(false);
        if (options.RunBackgroundLoops)
        {
            node.StartLoops();
        }

        node.LogStarted(options.NodeId, store.Backend);
        return node;
    }

    /// <summary>Fires due reminders now (the background loop does this every second).</summary>
    public Task<int> FireRemindersAsync(CancellationToken cancellationToken = default) =>
        _services.GetRequiredService<ReminderService>().FireDueAsync(Runtime, cancellationToken);

    /// <summary>Settles expired reservations now (the background loop does this periodically).</summary>
    public Task<IReadOnlyList<Reservation>> SettleExpiredAsync(CancellationToken cancellationToken = default) =>
        Store.SettleExpiredAsync(_services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);

    /// <summary>Stops the loops, deactivates every grain (running pipelines stop at their next await) and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var loop in _loops)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Runtime.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Store.MarkStoppedAsync(Options.NodeId, _services.GetRequiredService<TimeProvider>().GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store may be the reason we are stopping; peers will declare this node dead instead.
            LogLoopFailed(ex);
        }

        await _services.DisposeAsync().ConfigureAwait(false);
        _http?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// One membership beat: heartbeat (re-registering if a peer declared this node dead), declare silent peers
    /// dead, renew run leases. The background loop does this every <see cref="NodeOptions.HeartbeatInterval"/>.
    /// </summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken = default)
    {
        var now = _services.GetRequiredService<TimeProvider>().GetUtcNow();
        var options = Options;
        if (!await Store.HeartbeatAsync(options.NodeId, now, cancellationToken).ConfigureAwait(false))
        {
            LogReRegistered(options.NodeId);
            await Store.UpsertNodeAsync(new ClusterNode { NodeId = options.NodeId, Address = options.Address, StartedAt = now, LastHeartbeatAt = now, Status = NodeStatus.Live }, cancellationToken).ConfigureAwait(false);
        }

        var dead = await Store.DeclareDeadAsync(now - options.DeadAfter, cancellationToken).ConfigureAwait(false);
        if (dead.Count > 0)
        {
            LogDeclaredDead(string.Join(", ", dead));
        }

        await _services.GetRequiredService<RunLeases>().RenewAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes over running pipelines nobody holds a lease on (their node died, or this node restarted) and
    /// continues them from their journal. Returns how many this node took.
    /// </summary>
    public async Task<int> RecoverOrphanedRunsAsync(CancellationToken cancellationToken = default)
    {
        var now = _services.GetRequiredService<TimeProvider>().GetUtcNow();
        var orphans = await Store.GetOrphanedRunsAsync(now, Options.NodeId, 100, cancellationToken).ConfigureAwait(false);
        var leases = _services.GetRequiredService<RunLeases>();
        var taken = 0;
        foreach (var runId in orphans)
        {
            var run = await Store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            if (run is null)
            {
                continue;
            }

            await Grains.GetGrain<IPipelineRunGrain>(runId).StartAsync(new RunSubmission { Pipeline = run.Pipeline, Input = run.Input }, cancellationToken).ConfigureAwait(false);
            if (leases.Holds(runId))
            {
                LogRecovered(runId);
                taken++;
            }
        }

        return taken;
    }

    private async Task SeedAsync(Configuration.NodeProfile seed, CancellationToken cancellationToken)
    {
        if (await Store.GetMetaAsync("seeded", cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var registry = Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
        foreach (var provider in seed.LoadRegistry()?.Providers ?? [])
        {
            await registry.UpsertProviderAsync(provider, cancellationToken).ConfigureAwait(false);
        }

        foreach (var policy in seed.LoadBudgets()?.Policies() ?? [])
        {
            await Grains.GetGrain<IBudgetGovernorGrain>(policy.Scope).SetPolicyAsync(policy, cancellationToken).ConfigureAwait(false);
        }

        var capabilities = await Pipelines.CapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var pipeline in seed.LoadPipelines(capabilities))
        {
            await Pipelines.SaveAsync(pipeline, cancellationToken).ConfigureAwait(false);
        }

        await Store.TrySetMetaAsync("seeded", _services.GetRequiredService<TimeProvider>().GetUtcNow().ToString("O"), cancellationToken).ConfigureAwait(false);
        LogSeeded(seed.BaseDirectory);
    }

    private void StartLoops()
    {
        var token = _stopping.Token;
        var time = _services.GetRequiredService<TimeProvider>();
        var options = Options;
        _loops.Add(Loop(token, () => _services.GetRequiredService<ReminderService>().RunAsync(Runtime, token)));
        _loops.Add(Loop(token, () => Runtime.RunCollectorAsync(token)));
        _loops.Add(Loop(token, () => Every(options.SettleInterval, time, ct => SettleExpiredAsync(ct), token)));
        _loops.Add(Loop(token, () => Every(options.HeartbeatInterval, time, async ct =>
        {
            await HeartbeatAsync(ct).ConfigureAwait(false);
            return await RecoverOrphanedRunsAsync(ct).ConfigureAwait(false);
        }, token)));
        _loops.Add(Loop(token, () => Every(options.HealthCheckInterval, time,
            ct => Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey).CheckHealthAsync(ct), token)));
    }

    private static async Task Every<T>(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await work(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task Loop(CancellationToken token, Func<Task> body) => Task.Run(async () =>
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                await body().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A failed loop iteration (store briefly unreachable) must not stop the node's housekeeping.
                LogLoopFailed(ex);
            }
        }
    }, CancellationToken.None);

    [LoggerMessage(EventId = CostOrchestrator.Core.Diagnostics.EventIds.NodeStarted, Level = LogLevel.Information, Message = "Node {NodeId} started on the {Backend} store")]
    private partial void LogStarted(string nodeId, string backend);

    [LoggerMessage(EventId = CostOrchestrator.Core.Diagnostics.EventIds.StoreSeeded, Level = LogLevel.Information, Message = "Empty store seeded from {Profile}")]
    private partial void LogSeeded(string profile);

    [LoggerMessage(EventId = CostOrchestrator.Core.Diagnostics.EventIds.NodesDeclaredDead, Level = LogLevel.Warning, Message = "Declared dead (no heartbeat): {Nodes}")]
    private partial void LogDeclaredDead(string nodes);

    [LoggerMessage(EventId = CostOrchestrator.Core.Diagnostics.EventIds.NodeReRegistered, Level = LogLevel.Warning, Message = "Node {NodeId} had been declared dead; registered again")]
    private partial void LogReRegistered(string nodeId);

    [LoggerMessage(EventId = CostOrchestrator.Core.Diagnostics.EventIds.RunRecovered, Level = LogLevel.Information, Message = "Took over run {RunId} from its journal")]
    private partial void LogRecovered(string runId);

    [LoggerMessage(EventId = CostOrchestrator.Core.Diagnostics.EventIds.BackgroundLoopFailed, Level = LogLevel.Warning, Message = "A background loop failed; it restarts")]
    private partial void LogLoopFailed(Exception exception);
}
