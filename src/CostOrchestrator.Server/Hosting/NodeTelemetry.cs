using System.Reflection;
using CostOrchestrator.Grains.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CostOrchestrator.Server.Hosting;

/// <summary>
/// The node's OpenTelemetry: metrics always, scraped at <see cref="MetricsPath"/> by the Prometheus exporter and pushed
/// over OTLP when an OTLP endpoint is configured; traces only when an OTLP endpoint is configured (nothing would read
/// them otherwise, and with no listener no span is even created).
/// </summary>
internal static class NodeTelemetry
{
    /// <summary>The Prometheus scrape endpoint, unauthenticated like /healthz.</summary>
    public const string MetricsPath = "/metrics";

    private const string DefaultServiceName = "costorch";
    private const string OrleansMeter = "Microsoft.Orleans";
    private const string AspNetCoreMeters = "Microsoft.AspNetCore";
    private const string NpgsqlSource = "Npgsql";
    private const string HttpClientMeter = "System.Net.Http";

    /// <summary>Registers the meter provider (and the tracer provider when traces are exported).</summary>
    public static void AddNodeTelemetry(this WebApplicationBuilder builder, ServerOptions options, string nodeId)
    {
        // Which meters, and whose: ours, Orleans' and ASP.NET Core's come from this host's IMeterFactory, and only this
        // host's are read (MeterScope.Local), so each node in a process (tests run several) exports its own numbers.
        // Npgsql and HttpClient (provider calls) use process-wide meters. Npgsql.OpenTelemetry would only add the
        // "Npgsql" names used here, and needs a newer Npgsql than the one pinned.
        builder.Services.AddMetrics(metrics => metrics
            .EnableMetrics(TelemetryNames.Source, scopes: MeterScope.Local)
            .EnableMetrics(OrleansMeter, scopes: MeterScope.Local)
            .EnableMetrics(AspNetCoreMeters, scopes: MeterScope.Local)
            .EnableMetrics(NpgsqlSource, scopes: MeterScope.Global)
            .EnableMetrics(HttpClientMeter, scopes: MeterScope.Global));

        var serviceName = builder.Configuration[OtlpEnvironment.ServiceName] is { Length: > 0 } name ? name : DefaultServiceName;
        var version = typeof(NodeTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: version, serviceInstanceId: nodeId))
            .WithMetrics(metrics =>
            {
                metrics.AddPrometheusExporter();
                if (options.ExportsMetrics)
                {
                    metrics.AddOtlpExporter();
                }
            });

        if (options.ExportsTraces)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(TelemetryNames.Source)
                // Grain calls between our grains (reservations, governors, runs): what joins an HTTP request to the run
                // it submitted, and a step to the budget calls it made. Orleans' runtime-internal calls are left out.
                .AddSource(Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName)
                .AddSource(NpgsqlSource)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsInfrastructure(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }
    }

    /// <summary>Serves <see cref="MetricsPath"/>.</summary>
    public static void MapMetrics(this IEndpointRouteBuilder app) => app.MapPrometheusScrapingEndpoint(MetricsPath);

    // Scrapes and probes would otherwise be most of the traces.
    private static bool IsInfrastructure(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
