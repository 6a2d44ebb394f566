using System.Globalization;
using System.Text;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Storage;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>/healthz, /readyz and /metrics (Prometheus text format).</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));
        app.MapGet("/readyz", async (NodeHost host, CancellationToken ct) =>
        {
            if (!host.IsStarted)
            {
                return Problems.Of(StatusCodes.Status503ServiceUnavailable, "not_ready", "the node is starting");
            }

            try
            {
                await host.Node.Store.GetRegistryVersionAsync(ct);
                return Results.Ok(new { status = "ready", node_id = host.Node.Options.NodeId, storage = host.Node.Store.Backend });
            }
            catch (StoreUnavailableException ex)
            {
                return Problems.Of(StatusCodes.Status503ServiceUnavailable, "store_unavailable", ex.Message);
            }
        });
        app.MapGet("/metrics", async (NodeHost host, CancellationToken ct) => Results.Text(await RenderMetricsAsync(host, ct), "text/plain; version=0.0.4"));
    }

    private static async Task<string> RenderMetricsAsync(NodeHost host, CancellationToken ct)
    {
        var node = host.Node;
        var text = new StringBuilder();
        static string F(decimal value) => value.ToString(CultureInfo.InvariantCulture);
        static string L(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

        text.AppendLine("# HELP costorch_budget_spent_cents Cents committed in the current window.");
        text.AppendLine("# TYPE costorch_budget_spent_cents gauge");
        var lines = new List<(string Name, string Labels, decimal Value)>();
        foreach (var policy in await node.Store.GetPoliciesAsync(ct))
        {
            var budget = await node.Grains.GetGrain<IBudgetGovernorGrain>(policy.Scope).GetBudgetAsync(ct);
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
        var providers = await node.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey).GetProvidersAsync(null, ct);
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
        var runs = await node.Store.ListRunsAsync(new RunQuery { Limit = 1000 }, ct);
        foreach (var status in Enum.GetValues<RunStatus>())
        {
            var name = System.Text.Json.JsonSerializer.Serialize(status, Abstractions.Serialization.CostOrchestratorJson.Options).Trim('"');
            text.AppendLine(CultureInfo.InvariantCulture, $"costorch_recent_runs{{status=\"{name}\"}} {runs.Count(r => r.Status == status)}");
        }

        return text.ToString();
    }
}
