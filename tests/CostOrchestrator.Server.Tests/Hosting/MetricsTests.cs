using System.Net;
using System.Net.Http.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests.Hosting;

/// <summary>
/// <c>/metrics</c> is OpenTelemetry's Prometheus exporter: after a known workload on a fresh node, the scrape parses as
/// Prometheus text and its counters equal what the ledger and the run store say, and Orleans' and ASP.NET Core's own
/// series are there. Each node reads only its own meters, so the other nodes this process runs change nothing here.
/// Run on SQLite and on PostgreSQL (where Npgsql's series are there too).
/// </summary>
public abstract class MetricsTests(RunningNode node)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Scrape_AfterAKnownWorkload_ParsesAsPrometheusText_AndItsCountersEqualTheLedger()
    {
        var (paid, cached, refused) = await TelemetryWorkload.RunAsync(node, "metrics");
        using var client = node.Client();
        await ReserveDirectlyAsync(client);

        // Scraped once, without a token, as Prometheus does: a node's first scrape is never an earlier one's cached copy.
        using var anonymous = node.Client(token: null);
        using var response = await anonymous.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var metrics = PrometheusText.Parse(text);
        Assert.DoesNotContain(RunningNode.AdminToken, text, StringComparison.Ordinal);

        var ledger = await node.Store.GetLedgerAsync(new LedgerQuery(), Ct);
        Assert.Equal(Cents(ledger.Sum(e => e.ActualCents)), Cents(metrics.Sum("costorch_spend_total")));
        Assert.Equal(Cents(ledger.Sum(e => e.SavedCents)), Cents(metrics.Sum("costorch_cache_savings_total")));
        Assert.Equal(Cents(paid.TotalCostCents), Cents(metrics.Sum("costorch_cache_savings_total")));
        Assert.Equal(ledger.Count(e => e.CacheHit), metrics.Sum("costorch_cache_lookups_total", ("costorch_cache_hit", "true")));

        // Each commit counted once (the repeated one is not), and every reservation ended one way or the other.
        var committed = ledger.Count(e => e.ReservationId is not null);
        Assert.Equal(committed, metrics.Sum("costorch_reservations_total", ("costorch_reservation_outcome", "committed")));
        Assert.Equal(1, metrics.Sum("costorch_reservations_total", ("costorch_reservation_outcome", "released")));
        Assert.Equal(committed + 1, metrics.Sum("costorch_reservations_total", ("costorch_reservation_outcome", "reserved")));
        Assert.Equal(committed + 1, metrics.Sum("costorch_reservation_duration_seconds_count"));

        var runs = await node.Store.ListRunsAsync(new RunQuery { Limit = 1000 }, Ct);
        Assert.Equal(new[] { paid.RunId, cached.RunId, refused.RunId }.Order(), runs.Select(r => r.RunId).Order());
        foreach (var status in new[] { ("succeeded", RunStatus.Succeeded), ("budget_rejected", RunStatus.BudgetRejected), ("failed", RunStatus.Failed) })
        {
            Assert.Equal(runs.Count(r => r.Status == status.Item2), metrics.Sum("costorch_runs_finished_total", ("costorch_run_status", status.Item1)));
        }

        var routed = paid.Steps.Sum(s => s.Invocations.Count(i => !i.CacheHit));
        Assert.Equal(routed, metrics.Sum("costorch_routing_decisions_total", ("costorch_routing_outcome", "routed")));
        Assert.Equal(routed, metrics.Sum("costorch_provider_duration_seconds_count"));

        // The governor of global holds today's spend in memory; its gauge says the same as the ledger.
        Assert.Equal(Cents(ledger.Sum(e => e.ActualCents)), Cents(metrics.Sum("costorch_budget_spent", ("costorch_scope", ScopeChain.Global), ("costorch_budget_window", "day"))));
        Assert.Equal(0, metrics.Sum("costorch_budget_reserved", ("costorch_scope", ScopeChain.Global)));
        Assert.Equal(5000, metrics.Sum("costorch_budget_limit", ("costorch_scope", ScopeChain.Global), ("costorch_budget_window", "day")));
        Assert.Equal(1, metrics.Sum("costorch_provider_up", ("costorch_provider_id", "fal-wan2")));

        Assert.Contains(metrics.Samples, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.NotEmpty(metrics.Where("http_server_request_duration_seconds_count", ("http_route", "/v1/runs")));
        Assert.Equal("counter", metrics.Types["costorch_spend_total"]);
        Assert.Equal("histogram", metrics.Types["costorch_reservation_duration_seconds"]);
        if (node.Backend == "postgres")
        {
            Assert.Contains(metrics.Samples, s => s.Name.StartsWith("db_client_", StringComparison.Ordinal));
        }
    }

    // A caller of the reservation API: commits one reservation twice (a retry) and releases another twice.
    private static async Task ReserveDirectlyAsync(HttpClient client)
    {
        var kept = await ReserveAsync(client, "metrics-kept", 5m);
        var dropped = await ReserveAsync(client, "metrics-dropped", 2m);
        for (var i = 0; i < 2; i++)
        {
            (await client.PostAsJsonAsync($"/v1/reservations/{kept}/commit", new { actual_cents = 3.25m }, Ct)).EnsureSuccessStatusCode();
            (await client.PostAsync($"/v1/reservations/{dropped}/release", null, Ct)).EnsureSuccessStatusCode();
        }
    }

    private static async Task<string> ReserveAsync(HttpClient client, string key, decimal cents)
    {
        var response = await client.PostAsJsonAsync("/v1/reservations", new { chain = new[] { "team:telemetry" }, amount_cents = cents, idempotency_key = key }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await RunningNode.JsonAsync(response)).GetProperty("reservation_id").GetString()!;
    }

    // The ledger keeps micro-cents; the exporter writes doubles. Equal to the micro-cent is equal.
    private static decimal Cents(decimal value) => Math.Round(value, 6);

    private static decimal Cents(double value) => Math.Round((decimal)value, 6);
}

public sealed class SqliteMetricsTests(RunningNode node) : MetricsTests(node), IClassFixture<RunningNode>;

public sealed class PostgresMetricsTests(RunningPostgresNode node) : MetricsTests(node), IClassFixture<RunningPostgresNode>;
