using System.Net;
using System.Net.Sockets;
using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Grains.Diagnostics;
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
using CostOrchestrator.Storage;
using CostOrchestrator.Storage.PostgreSql;
using CostOrchestrator.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace CostOrchestrator.Grains.Hosting;

/// <summary>Wires a CostOrchestrator node into an Orleans silo: the one place the node's services are composed.</summary>
public static class SiloBuilderExtensions
{
    private const string AdoNetInvariant = "Npgsql";

    /// <summary>
    /// Adds the grains' services (store, provider adapters, router inputs, executor), the store's migrations before
    /// Orleans reads its tables, seeding and run recovery once the silo is active, the maintenance loops, and
    /// clustering and reminders: localhost clustering and SQLite reminders for an embedded node; Orleans' ADO.NET
    /// clustering and reminders on PostgreSQL for a cluster.
    /// </summary>
    public static ISiloBuilder AddCostOrchestrator(this ISiloBuilder silo, NodeBuilder node)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(node);
        var settings = node.Silo;
        var options = node.Options;
        var postgres = settings.PostgresConnectionString is { } cs ? WithPoolSize(cs, settings.PostgresPoolSize) : null;
        var store = node.StoreFactory?.Invoke(options)
            ?? (postgres is not null ? new PostgreSqlStore(postgres) : new SqliteStore(Path.Combine(options.DataDirectory, "costorch.db")));

        var services = silo.Services;
        services.AddSingleton(options);
        services.AddKeyedSingleton(NodeClock.Key, node.Time);
        // Registered through a factory so the container owns the store: it is disposed (its connections closed) with
        // the host. The narrower interfaces below are the same instance, disposed once.
        services.AddSingleton<ICostOrchestratorStore>(_ => store);
        services.AddSingleton<IBudgetStore>(store);
        services.AddSingleton<IRunStore>(store);
        services.AddSingleton<IRegistryStore>(store);
        services.AddSingleton<ICacheStore>(store);
        services.AddSingleton<IApiKeyStore>(store);
        services.AddSingleton(_ => new ProviderAdapters(WithBuiltInAdapters(node.Adapters)));
        services.AddSingleton<PolicyCache>();
        services.AddSingleton<BudgetBook>();
        services.AddSingleton<QueuedRunWaker>();
        services.AddSingleton<BudgetWrites>();
        services.AddSingleton<BudgetSlices>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<BudgetSlices>());
        services.AddSingleton<RegistryCopy>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RegistryCopy>());
        services.AddSingleton<ProviderQuotas>();
        services.AddSingleton<InvocationExecutor>();
        services.AddSingleton<PipelineService>();
        services.AddSingleton<PipelineExplainer>();
        services.AddSingleton(new NodeSeed(node.Seed));
        services.AddSingleton<NodeStartup>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<NodeStartup>());
        services.AddSingleton<SettledCharges>();
        services.AddSingleton<NodeMaintenance>();
        services.AddSingleton<Alerts.AlertSnapshotReader>();
        services.AddSingleton<Alerts.WebhookSender>();

        // Instruments come from the host's IMeterFactory (a host built without one still gets one here), so a node's
        // meter is its own even when several nodes share a process. Grain calls carry the caller's trace context, so a
        // run's spans and the calls it makes stay in the trace that submitted it.
        services.AddMetrics();
        services.AddSingleton<BudgetGauges>();
        services.AddSingleton<CostOrchestratorTelemetry>();
        silo.AddActivityPropagation();

        // Not a periodic loop: it reacts to membership, so it runs in tests too.
        services.AddHostedService<DeadSiloSettlement>();
        if (options.RunBackgroundLoops)
        {
            services.AddHostedService(sp => sp.GetRequiredService<NodeMaintenance>());
        }

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.Configure<SiloOptions>(o => o.SiloName = options.NodeId);
        node.ConfigureSilo?.Invoke(silo);
        var siloPort = settings.SiloPort == 0 ? FreePort() : settings.SiloPort;
        var gatewayPort = settings.GatewayPort == 0 ? FreePort() : settings.GatewayPort;
        if (settings.Clustering == SiloClustering.External)
        {
            // Membership and endpoints are the host's.
        }
        else if (settings.Clustering == SiloClustering.AdoNet)
        {
            if (postgres is null)
            {
                throw new ArgumentException("ADO.NET clustering needs SiloSettings.PostgresConnectionString.", nameof(node));
            }

            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = AdoNetInvariant;
                o.ConnectionString = postgres;
            });
            silo.ConfigureEndpoints(settings.AdvertisedAddress, siloPort, gatewayPort);
        }
        else
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
        }

        // Grain state is written with Orleans' own serializer: the state types carry [GenerateSerializer]/[Id], so a
        // field added later reads old rows (version tolerance), as messages do.
        services.AddKeyedSingleton<IGrainStorageSerializer>(GrainStorage.Name, (sp, _) => ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp));

        // Reminders and grain state live with the store: the same database, migrated by the same code before the silo
        // reads them.
        if (postgres is not null)
        {
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = AdoNetInvariant;
                o.ConnectionString = postgres;
            });
            silo.AddAdoNetGrainStorage(GrainStorage.Name, o =>
            {
                o.Invariant = AdoNetInvariant;
                o.ConnectionString = postgres;
            });
        }
        else if (store is SqliteStore sqlite)
        {
            silo.AddReminders();
            services.AddSingleton<IReminderTable>(sp => ActivatorUtilities.CreateInstance<SqliteReminderTable>(sp, sqlite));
            services.AddGrainStorage(GrainStorage.Name, (sp, name) => ActivatorUtilities.CreateInstance<SqliteGrainStorage>(sp, sqlite,
                sp.GetRequiredKeyedService<IGrainStorageSerializer>(name), TimeProvider.System));
        }
        else
        {
            throw new ArgumentException("Reminders need SiloSettings.PostgresConnectionString, or the embedded SQLite store.", nameof(node));
        }

        return silo;
    }

    private static string WithPoolSize(string connectionString, int poolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxPoolSize = poolSize;
        }

        return builder.ConnectionString;
    }

    // Built-in adapters for the kinds not given. The HTTP ones share one client so connections are pooled across providers.
    private static List<IProviderAdapter> WithBuiltInAdapters(IReadOnlyList<IProviderAdapter> given)
    {
        var adapters = given.ToList();
        HttpClient? http = null;
        void AddIfMissing(string kind, Func<IProviderAdapter> create)
        {
            if (adapters.All(a => a.Kind != kind))
            {
                adapters.Add(create());
            }
        }

        AddIfMissing("simulated", () => new SimulatedProviderAdapter());
        AddIfMissing("command", () => new CommandProviderAdapter());
        AddIfMissing("openai-compatible", () => new OpenAiCompatibleProviderAdapter(http ??= HttpProviderSupport.CreateClient()));
        AddIfMissing("anthropic", () => new AnthropicProviderAdapter(http ??= HttpProviderSupport.CreateClient()));
        AddIfMissing("http-json", () => new HttpJsonProviderAdapter(http ??= HttpProviderSupport.CreateClient()));
        return adapters;
    }

    // A port free right now. Another process could take it before the silo binds; the silo then fails to start and says which port.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
