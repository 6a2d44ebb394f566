using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Grains.Configuration;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;
using CostOrchestrator.Server.Endpoints;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Security;
using Orleans.Dashboard;
using Microsoft.AspNetCore.Diagnostics;

namespace CostOrchestrator.Server.Hosting;

/// <summary>Builds the node's web application: options, the node as a hosted service, and every route.</summary>
public static class CostOrchestratorServer
{
    /// <summary>
    /// Runs a node until it is stopped. Returns the process exit code: 0 after a clean stop, 2 when the flags are
    /// wrong or the HTTP port is taken (said on <paramref name="errors"/>, every flag problem at once).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter errors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var app = Create(args, errors);
        if (app is null)
        {
            return 2;
        }

        await using (app)
        {
            // Said before the silo starts, so a taken port costs no start-up and prints no stack trace; the catch below
            // covers a port taken in between.
            if (TakenPort(app.Configuration["urls"] ?? DefaultUrl) is { } taken)
            {
                await errors.WriteLineAsync($"--urls: {taken} is already in use. Choose another port with --urls http://127.0.0.1:PORT.").ConfigureAwait(false);
                return 2;
            }

            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await errors.WriteLineAsync($"--urls: {ex.Message} Choose another port with --urls http://127.0.0.1:PORT.").ConfigureAwait(false);
                return 2;
            }

            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private const string DefaultUrl = "http://127.0.0.1:8080";

    // The first address of a --urls list that cannot be bound now (host:port), or null.
    private static string? TakenPort(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Port <= 0)
            {
                continue;
            }

            var address = uri.IsLoopback ? System.Net.IPAddress.Loopback : System.Net.IPAddress.TryParse(uri.Host, out var ip) ? ip : System.Net.IPAddress.Any;
            try
            {
                using var probe = new System.Net.Sockets.TcpListener(address, uri.Port);
                probe.Start();
            }
            catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                return $"{uri.Host}:{uri.Port}";
            }
        }

        return null;
    }

    /// <summary>The app, or null (after printing every option error to stderr) when the flags are wrong.</summary>
    public static WebApplication? Create(string[] args) => Create(args, Console.Error);

    /// <summary>The app, or null (after writing every option error to <paramref name="errors"/>) when the flags are wrong.</summary>
    public static WebApplication? Create(string[] args, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(errors);
        var builder = WebApplication.CreateSlimBuilder(args);
        var config = builder.Configuration;

        // A profile may say which store it is for (silo-config/postgres.json); a --storage flag still wins.
        var profileStorage = config["config"] is { } profilePath && File.Exists(profilePath) ? Grains.Configuration.NodeProfile.Load(profilePath).Storage : null;
        var options = new ServerOptions
        {
            DataDirectory = config["data-dir"] ?? "data",
            Storage = config["storage"] ?? profileStorage ?? "sqlite",
            Postgres = config["postgres"] ?? Environment.GetEnvironmentVariable("COSTORCH_POSTGRES"),
            Config = config["config"],
            NodeId = config["node-id"],
            SiloPort = config["silo-port"],
            GatewayPort = config["gateway-port"],
            ClusterId = config["cluster-id"],
            ServiceId = config["service-id"],
            PostgresPoolSize = config["postgres-pool-size"],
            BudgetSlices = config["budget-slices"],
            SliceMaxCents = config["slice-max-cents"],
            AdminToken = Environment.GetEnvironmentVariable("COSTORCH_ADMIN_TOKEN") is { Length: > 0 } token ? token : config["admin-token"],
            OtlpEndpoint = config[OtlpEnvironment.Endpoint],
            OtlpTracesEndpoint = config[OtlpEnvironment.TracesEndpoint],
            OtlpMetricsEndpoint = config[OtlpEnvironment.MetricsEndpoint],
        };
        var problems = ServerOptions.UnknownArguments(args).Concat(options.Validate()).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                errors.WriteLine(problem);
            }

            return null;
        }

        if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);

        // ASP.NET Core writes several Information lines per request (request started, endpoint, result, finished): on
        // a gateway that is most of a request's CPU. Its warnings and errors still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            var shared = CostOrchestratorJson.Options;
            json.SerializerOptions.PropertyNamingPolicy = shared.PropertyNamingPolicy;
            json.SerializerOptions.DefaultIgnoreCondition = shared.DefaultIgnoreCondition;
            foreach (var converter in shared.Converters)
            {
                json.SerializerOptions.Converters.Add(converter);
            }
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ApiKeyService>();
        var node = NodeFor(options);
        builder.UseOrleans(silo => silo.AddCostOrchestrator(node));
        builder.AddNodeTelemetry(options, node.Options.NodeId);
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.UseExceptionHandler(handler => handler.Run(WriteUnhandledAsync));
        if (string.IsNullOrEmpty(options.AdminToken))
        {
            app.Logger.LogWarning("COSTORCH_ADMIN_TOKEN is not set: admin routes (registry, budgets, keys) refuse every request");
        }

        app.MapOpenApi("/openapi/v1.json");
        app.MapHealthEndpoints();
        app.MapMetrics();
        app.MapRegistryEndpoints();
        app.MapBudgetEndpoints();
        app.MapInvokeEndpoints();
        app.MapPipelineEndpoints();
        app.MapClusterEndpoints();
        app.MapOpenAiEndpoints();
        app.MapAlertEndpoints();
        app.MapDashboard();
        app.MapClusterDashboard();
        return app;
    }

    private static NodeBuilder NodeFor(ServerOptions options)
    {
        var profilePath = options.Config ?? NodeProfile.FindDefault();
        var profile = profilePath is null ? null : NodeProfile.Load(profilePath);
        var budgets = profile?.LoadBudgets();
        var postgres = options.Storage == "postgres";
        return new NodeBuilder
        {
            Options = new NodeOptions
            {
                NodeId = options.NodeId ?? (postgres ? $"{Environment.MachineName}-{Environment.ProcessId}" : "embedded"),
                DataDirectory = Path.GetFullPath(options.DataDirectory),
                PipelineRunLimits = budgets?.RunLimits() ?? new Dictionary<string, decimal>(),
                TimeZone = budgets?.TimeZone is { } zone ? TimeZoneInfo.FindSystemTimeZoneById(zone) : TimeZoneInfo.Utc,
                Slices = options.Slices,
            },
            Silo = new SiloSettings
            {
                Clustering = postgres ? SiloClustering.AdoNet : SiloClustering.Localhost,
                PostgresConnectionString = postgres ? options.Postgres : null,
                PostgresPoolSize = options.PoolSize,
                SiloPort = options.SiloPortNumber,
                GatewayPort = options.GatewayPortNumber,
                ClusterId = options.ClusterId ?? "costorch",
                ServiceId = options.ServiceId ?? "costorch",
            },
            Seed = profile,

            // Orleans' dashboard (served under /dashboard/cluster by the server) collects its statistics on every silo.
            ConfigureSilo = silo => silo.AddDashboard(),
        };
    }

    // Expected failures are values; what reaches here is the store being unreachable (retryable) or a bug.
    private static async Task WriteUnhandledAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = error switch
        {
            StoreUnavailableException => Problems.Of(ErrorCodes.StoreUnavailable, "the store is unavailable; nothing was charged or approved; retry"),
            ArgumentException argument => Problems.Of(ErrorCodes.InvalidRequest, argument.Message),
            _ => Problems.Of(ErrorCodes.InternalError, "unexpected error; see the node's log"),
        };
        if (error is StoreUnavailableException)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        await result.ExecuteAsync(context).ConfigureAwait(false);
    }
}
