using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

namespace CostOrchestrator.Client.Hosting;

/// <summary>
/// Connects a .NET service inside the cluster's network to the CostOrchestrator silos as an Orleans client, so it
/// calls <c>IBudgetGovernorGrain</c>, <c>IPipelineRunGrain</c> and <c>ICapabilityRegistryGrain</c> directly. The client finds the
/// silos' gateways through Orleans' ADO.NET membership on the cluster's PostgreSQL. Callers outside the network use
/// <see cref="CostOrchestratorClient"/> over HTTP instead.
/// </summary>
public static class OrleansClientExtensions
{
    /// <summary>
    /// Adds the Orleans client (resolve <c>IClusterClient</c> or <c>IGrainFactory</c> from the host's services once it started).
    /// Grain calls carry the caller's trace context (<c>Activity.Current</c>) to the silos.
    /// </summary>
    /// <param name="builder">The service's host builder.</param>
    /// <param name="options">Where the cluster's membership lives and which cluster to join.</param>
    public static IHostApplicationBuilder AddCostOrchestratorClient(this IHostApplicationBuilder builder, CostOrchestratorClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.PostgresConnectionString);
        builder.UseOrleansClient(client =>
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = options.PostgresConnectionString;
            });
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });

            // The silos propagate trace context on grain calls; so does the client, so a service's own trace continues
            // into the runs and reservations it asks for (when it records traces at all).
            client.AddActivityPropagation();
        });
        return builder;
    }
}
