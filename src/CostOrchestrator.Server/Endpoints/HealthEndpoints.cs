using CostOrchestrator.Grains.Hosting;
using System.Globalization;
using System.Text;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Storage;
using CostOrchestrator.Server.Http;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>/healthz, /readyz and /metrics (Prometheus text format).</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));
        // Kestrel starts after the silo is active (the silo is a hosted service registered first): a request that
        // reaches this route finds the node up; ready means its store answers too.
        app.MapGet("/readyz", async (ICostOrchestratorStore store, NodeOptions nodeOptions, CancellationToken ct) =>
        {
            try
            {
                await store.PingAsync(ct);
                return Results.Ok(new { status = "ready", node_id = nodeOptions.NodeId, storage = store.Backend });
            }
            catch (StoreUnavailableException ex)
            {
                return Problems.Of(ErrorCodes.StoreUnavailable, ex.Message);
            }
        });
        app.MapGet("/metrics", async (IGrainFactory grains, ICostOrchestratorStore store, CancellationToken ct) => Results.Text(await RenderMetricsAsync(grains, store, ct), "text/plain; version=0.0.4"));
    }

    private static async Task<string> RenderMetricsAsync(IGrainFactory grains, ICostOrchestratorStore store, CancellationToken ct)
    {
        var text = new StringBuilder();
        static string F(decimal value) => value.ToString(CultureInfo.InvariantCulture);
        static string L(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

        text.AppendLine("# HELP costorch_budget_spent_cents Cents committed in the current window.");
        text.AppendLine("# TYPE costorch_budget_spent_cents gauge");
        var lines = new List<(string Name, string Labels, decimal Value)>();
        foreach (var policy in await store.GetPoliciesAsync(ct))
        {
            var budget = await grains.GetGrain<IBudgetGovernorGrain>(policy.Scope).GetBudgetAsync(ct);
            foreach (var window in budget.Windows)
            {
                var labels = $"scope=\"{L(budget.Scope)}\",window=\"{window.Window.ToString().ToLowerInvariant()}\"";
                lines.Add(("costorch_budget_spent_cents", labels, window.SpentCents));
                lines.Add(("costorch_budget_reserved_cents", labels, window.ReservedCents));
                lines.Add(("costorch_budget_limit_cents", labels, window.LimitCents));
                lines.Add(("costorch_budget_status", labels, (int)window.Status));
            }
        }

        foreach (var group in lines.GroupBy(l => l.Name))
        {
            if (group.Key != "costorch_budget_spent_cents")
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"# TYPE {group.Key} gauge");
            }

            foreach (var line in group)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{line.Name}{{{line.Labels}}} {F(line.Value)}");
            }
        }

        text.AppendLine("# HELP costorch_provider_up 1 when the provider is routable (healthy or degraded).");
        text.AppendLine("# TYPE costorch_provider_up gauge");
        var providers = await grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey).GetProvidersAsync(null, ct);
        foreach (var provider in providers)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"costorch_provider_up{{provider=\"{L(provider.ProviderId)}\",capability=\"{L(provider.Capability)}\"}} {(provider.Health == ProviderHealth.Down ? 0 : 1)}");
        }

        text.AppendLine("# TYPE costorch_provider_latency_ewma_ms gauge");
        foreach (var provider in providers)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"costorch_provider_latency_ewma_ms{{provider=\"{L(provider.ProviderId)}\"}} {provider.LatencyEwmaMs.ToString(CultureInfo.InvariantCulture)}");
        }

        text.AppendLine("# HELP costorch_recent_runs Runs among the latest 1000, by status.");
        text.AppendLine("# TYPE costorch_recent_runs gauge");
        var runs = await store.ListRunsAsync(new RunQuery { Limit = 1000 }, ct);
        foreach (var status in Enum.GetValues<RunStatus>())
        {
            var name = System.Text.Json.JsonSerializer.Serialize(status, Abstractions.Serialization.CostOrchestratorJson.Options).Trim('"');
            text.AppendLine(CultureInfo.InvariantCulture, $"costorch_recent_runs{{status=\"{name}\"}} {runs.Count(r => r.Status == status)}");
        }

        return text.ToString();
    }
}
