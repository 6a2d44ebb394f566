using System.Globalization;
using System.Net;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests.Reports;

/// <summary>
/// <c>GET /v1/reports/spend</c> against the ledger it is built from: for a known workload, every row is exactly the
/// entries (and, per pipeline, the runs) of its key and bucket, to the micro-cent. Run on SQLite and on PostgreSQL.
/// </summary>
public abstract class SpendReportTests(ReportNode fixture)
{
    private static readonly string[] Common = ["bucket_start", "key", "spent_cents", "saved_cents", "invocations"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("capability", "hour")]
    [InlineData("capability", "day")]
    [InlineData("provider", "hour")]
    [InlineData("provider", "day")]
    [InlineData("scope", "hour")]
    [InlineData("scope", "day")]
    [InlineData("pipeline", "hour")]
    [InlineData("pipeline", "day")]
    public async Task SpendReport_EveryGrouping_IsExactlyTheLedgerPerKeyAndBucket(string groupBy, string bucket)
    {
        var rows = await ReportAsync(groupBy, bucket);
        var ledger = await LedgerAsync();

        Assert.Contains(rows, r => r.GetProperty("spent_cents").GetDecimal() > 0);
        foreach (var row in rows)
        {
            var entries = InBucket(ledger, row, bucket, e => e.CreatedAt).Where(e => KeysOf(e, groupBy).Contains(Key(row))).ToList();
            Assert.Equal(
                (entries.Sum(e => e.ActualCents), entries.Sum(e => e.SavedCents), entries.Count),
                (row.GetProperty("spent_cents").GetDecimal(), row.GetProperty("saved_cents").GetDecimal(), row.GetProperty("invocations").GetInt32()));
            Assert.Equal(groupBy == "provider", row.TryGetProperty("estimated_cents", out var estimated));
            if (groupBy == "provider")
            {
                Assert.Equal(entries.Sum(e => e.EstimatedCents), estimated.GetDecimal());
            }
        }

        // Nothing left out: every entry counted once per key it has (one, except by scope, where rows overlap).
        Assert.Equal(ledger.Sum(e => KeysOf(e, groupBy).Count()), rows.Sum(r => r.GetProperty("invocations").GetInt32()));
        Assert.Equal(ledger.Sum(e => e.ActualCents * KeysOf(e, groupBy).Count()), rows.Sum(r => r.GetProperty("spent_cents").GetDecimal()));
        Assert.Equal(ledger.Sum(e => e.SavedCents * KeysOf(e, groupBy).Count()), rows.Sum(r => r.GetProperty("saved_cents").GetDecimal()));
    }

    [Fact]
    public async Task SpendReport_ByPipeline_CostPerSuccessfulRunIsEveryRunsSpendOverTheSuccesses()
    {
        var rows = (await ReportAsync("pipeline", "day")).Where(r => Key(r) == SpendWorkload.Mixed).ToList();
        var ledger = (await LedgerAsync()).Where(e => e.Attribution.PipelineId == SpendWorkload.Mixed).ToList();
        var runs = await fixture.Node.Store.ListRunsAsync(new RunQuery { PipelineId = SpendWorkload.Mixed, Limit = 500 }, Ct);

        foreach (var row in rows)
        {
            var spent = InBucket(ledger, row, "day", e => e.CreatedAt).Sum(e => e.ActualCents);
            var bucketRuns = InBucket(runs, row, "day", r => r.CreatedAt).ToList();
            var succeeded = bucketRuns.Count(r => r.Status == RunStatus.Succeeded);
            Assert.Equal(spent, row.GetProperty("spent_cents").GetDecimal());
            Assert.Equal(
                (succeeded, bucketRuns.Count(r => r.Status == RunStatus.Failed), bucketRuns.Count(r => r.Status == RunStatus.BudgetRejected), 0),
                (row.GetProperty("runs_succeeded").GetInt32(), row.GetProperty("runs_failed").GetInt32(),
                    row.GetProperty("runs_budget_rejected").GetInt32(), row.GetProperty("runs_cancelled").GetInt32()));
            Assert.Equal(succeeded > 0, row.TryGetProperty("cost_per_successful_run_cents", out var perSuccess));
            if (succeeded > 0)
            {
                Assert.Equal(Math.Round(spent / succeeded, 6, MidpointRounding.AwayFromZero), perSuccess.GetDecimal());
            }
        }

        // The workload: 3 successes at 1.75¢, a failure and a refusal that each spent 1.25¢ before ending. What the
        // successes really cost includes the other two: 7.75¢ over 3 successes, not 5.25¢.
        Assert.Equal((3, 1, 1), (rows.Sum(r => r.GetProperty("runs_succeeded").GetInt32()), rows.Sum(r => r.GetProperty("runs_failed").GetInt32()),
            rows.Sum(r => r.GetProperty("runs_budget_rejected").GetInt32())));
        Assert.Equal(7.75m, rows.Sum(r => r.GetProperty("spent_cents").GetDecimal()));
        Assert.Equal(runs.Sum(r => r.TotalCostCents), rows.Sum(r => r.GetProperty("spent_cents").GetDecimal()));
    }

    [Fact]
    public async Task SpendReport_ByProvider_SetsTheLedgersEstimatesAgainstItsActuals()
    {
        var rows = await ReportAsync("provider", "day");

        foreach (var row in rows)
        {
            var estimated = row.GetProperty("estimated_cents").GetDecimal();
            var spent = row.GetProperty("spent_cents").GetDecimal();
            Assert.Equal(estimated != 0, row.TryGetProperty("drift_percent", out var drift));
            if (estimated != 0)
            {
                Assert.Equal(Math.Round((spent - estimated) / estimated * 100, 2, MidpointRounding.AwayFromZero), drift.GetDecimal());
            }
        }

        // A fixed price is reserved exactly; a per-token model reserves its worst case and costs less.
        var fixedPrice = rows.Where(r => Key(r) == SpendWorkload.ProviderA).ToList();
        Assert.Equal(6.25m, fixedPrice.Sum(r => r.GetProperty("spent_cents").GetDecimal()));
        Assert.Equal(6.25m, fixedPrice.Sum(r => r.GetProperty("estimated_cents").GetDecimal()));
        Assert.All(fixedPrice, r => Assert.Equal(0m, r.GetProperty("drift_percent").GetDecimal()));
        Assert.Contains(rows, r => r.TryGetProperty("drift_percent", out var drift) && drift.GetDecimal() < 0);
    }

    [Theory]
    [InlineData("capability", new string[0])]
    [InlineData("scope", new string[0])]
    [InlineData("provider", new[] { "estimated_cents", "drift_percent" })]
    [InlineData("pipeline", new[] { "runs_succeeded", "runs_failed", "runs_budget_rejected", "runs_cancelled", "cost_per_successful_run_cents" })]
    public async Task SpendReport_Csv_ParsesBackToExactlyTheJsonNumbers(string groupBy, string[] extraColumns)
    {
        var json = await ReportAsync(groupBy, "hour");
        using var client = fixture.Node.Client();
        var response = await client.GetAsync(Query(groupBy, "hour") + "&format=csv", Ct);

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        Assert.Equal([.. Common, .. extraColumns], header);
        Assert.Equal(json.Count, lines.Length - 1);
        foreach (var (row, line) in json.Zip(lines.Skip(1)))
        {
            var cells = line.Split(',');
            Assert.Equal(header.Length, cells.Length);
            Assert.Equal(row.GetProperty("bucket_start").GetDateTimeOffset(), DateTimeOffset.Parse(cells[0], CultureInfo.InvariantCulture));
            Assert.Equal(Key(row), cells[1]);
            foreach (var (column, cell) in header.Zip(cells).Skip(2))
            {
                // A value that does not apply is absent from the JSON and an empty cell.
                decimal? fromJson = row.TryGetProperty(column, out var value) ? value.GetDecimal() : null;
                decimal? fromCsv = cell.Length == 0 ? null : decimal.Parse(cell, NumberStyles.Number, CultureInfo.InvariantCulture);
                Assert.Equal(fromJson, fromCsv);
            }
        }
    }

    [Theory]
    [InlineData("capability")]
    [InlineData("provider")]
    [InlineData("scope")]
    [InlineData("pipeline")]
    public async Task SpendReport_KeyOfAnotherTeam_SeesNoneOfIt(string groupBy)
    {
        var key = await fixture.Node.CreateKeyAsync("team:report-other");

        var rows = await ReportAsync(groupBy, "day", key);
        using var client = fixture.Node.Client(key);
        var csv = await client.GetStringAsync(Query(groupBy, "day") + "&format=csv", Ct);

        Assert.Empty(rows);
        Assert.Single(csv.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task SpendReport_KeyOfTheTeam_SeesItsRunsAndTheirSpendOnly()
    {
        var key = await fixture.Node.CreateKeyAsync("team:" + SpendWorkload.Team);

        var rows = await ReportAsync("pipeline", "day", key);
        var ledger = await LedgerAsync();

        Assert.Equal([SpendWorkload.Cached, SpendWorkload.Mixed], rows.Select(Key).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(ledger.Where(e => e.Chain.Contains("team:" + SpendWorkload.Team)).Sum(e => e.ActualCents), rows.Sum(r => r.GetProperty("spent_cents").GetDecimal()));
        Assert.Equal(5, rows.Sum(r => r.GetProperty("runs_succeeded").GetInt32()));
        Assert.True(ledger.Any(e => e.Attribution.PipelineId is null), "the workload's direct invocation is in the ledger, outside the team");
    }

    [Theory]
    [InlineData("group_by=pipelines", "group_by")]
    [InlineData("group_by=Pipeline", "group_by")]
    [InlineData("group_by=", "group_by")]
    [InlineData("group_by=pipeline&bucket=week", "bucket")]
    [InlineData("group_by=provider&format=xlsx", "format")]
    [InlineData("group_by=pipeline&from=last-week", "from")]
    [InlineData("group_by=provider&to=2026-13-01", "to")]
    [InlineData("group_by=pipeline&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("group_by=pipeline&bucket=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from")]
    public async Task SpendReport_BadParameter_Is400NamingThatFieldAndNothingElse(string query, string field)
    {
        using var client = fixture.Node.Client();

        var response = await client.GetAsync($"/v1/reports/spend?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await RunningNode.JsonAsync(response);
        Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal([field], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task SpendReport_OpenApi_DocumentsJsonAndCsvAndTheProblems()
    {
        using var client = fixture.Node.Client(token: null);
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct));

        var responses = document.RootElement.GetProperty("paths").GetProperty("/v1/reports/spend").GetProperty("get").GetProperty("responses");

        Assert.Superset(new HashSet<string> { "200", "400", "401", "403" }, responses.EnumerateObject().Select(r => r.Name).ToHashSet());
        Assert.Superset(new HashSet<string> { "application/json", "text/csv" },
            responses.GetProperty("200").GetProperty("content").EnumerateObject().Select(c => c.Name).ToHashSet());
    }

    private static IEnumerable<string> KeysOf(LedgerEntry entry, string groupBy) => groupBy switch
    {
        "provider" => [entry.Attribution.ProviderId ?? "unattributed"],
        "pipeline" => [entry.Attribution.PipelineId ?? "unattributed"],
        "scope" => entry.Chain.Where(s => !s.StartsWith("run:", StringComparison.Ordinal)),
        _ => [entry.Attribution.Capability ?? "unattributed"],
    };

    private static IEnumerable<T> InBucket<T>(IEnumerable<T> items, JsonElement row, string bucket, Func<T, DateTimeOffset> at)
    {
        var start = row.GetProperty("bucket_start").GetDateTimeOffset();
        var end = start + (bucket == "hour" ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1));
        return items.Where(i => at(i) >= start && at(i) < end);
    }

    private static string Key(JsonElement row) => row.GetProperty("key").GetString()!;

    private string Query(string groupBy, string bucket) =>
        $"/v1/reports/spend?group_by={groupBy}&bucket={bucket}&from={Uri.EscapeDataString(fixture.From.ToString("O"))}&to={Uri.EscapeDataString(fixture.To.ToString("O"))}";

    private async Task<List<JsonElement>> ReportAsync(string groupBy, string bucket, string? token = RunningNode.AdminToken)
    {
        using var client = fixture.Node.Client(token);
        var response = await client.GetAsync(Query(groupBy, bucket), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningNode.JsonAsync(response)).EnumerateArray().ToList();
    }

    private async Task<IReadOnlyList<LedgerEntry>> LedgerAsync() =>
        await fixture.Node.Store.GetLedgerAsync(new LedgerQuery { From = fixture.From, To = fixture.To, Limit = 100_000 }, Ct);
}

public sealed class SqliteSpendReportTests(SqliteReportNode fixture) : SpendReportTests(fixture), IClassFixture<SqliteReportNode>;

public sealed class PostgresSpendReportTests(PostgresReportNode fixture) : SpendReportTests(fixture), IClassFixture<PostgresReportNode>;
