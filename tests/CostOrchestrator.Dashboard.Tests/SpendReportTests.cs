using System.Globalization;
using System.Net;
using System.Text.Json;

namespace CostOrchestrator.Dashboard.Tests;

public sealed class SpendReportTests(DashboardNode node) : IClassFixture<DashboardNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SpendReport_Today_SumsToTheGlobalDailySpendAndSplitsByProviderAsTheRunsDo()
    {
        await node.PutProviderAsync("report-a", "report-cap", 1.25m);
        var runs = new[] { await node.RunOneStepAsync("report-cap"), await node.RunOneStepAsync("report-cap"), await node.RunOneStepAsync("llm-chat") };
        var day = (await node.GetAsync("/v1/budgets/global")).GetProperty("windows")[0];

        var byCapability = await ReportAsync("capability", day);
        var byProvider = await ReportAsync("provider", day);

        Assert.All(runs, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        Assert.Equal(day.GetProperty("spent_cents").GetDecimal(), byCapability.Sum(r => r.GetProperty("spent_cents").GetDecimal()));
        Assert.Equal(day.GetProperty("spent_cents").GetDecimal(), byProvider.Sum(r => r.GetProperty("spent_cents").GetDecimal()));
        Assert.Equal(2.5m, byProvider.Where(r => r.GetProperty("key").GetString() == "report-a").Sum(r => r.GetProperty("spent_cents").GetDecimal()));
        Assert.Equal(2, byCapability.Where(r => r.GetProperty("key").GetString() == "report-cap").Sum(r => r.GetProperty("invocations").GetInt32()));
        Assert.All(byProvider, r => Assert.Equal(0, DateTimeOffset.Parse(r.GetProperty("bucket_start").GetString()!, CultureInfo.InvariantCulture).Minute));
    }

    [Fact]
    public async Task SpendReport_CachedRepeat_ReportsWhatTheCacheSaved()
    {
        await node.PutProviderAsync("report-cached", "report-cache-cap", 3m);
        var pipeline = new { id = "report-cache", steps = new[] { new { name = "only", invoke = new { capability = "report-cache-cap", inputs = new { text = "same" } } } } };
        await node.RunAsync(pipeline);
        var repeat = await node.RunAsync(pipeline);
        var day = (await node.GetAsync("/v1/budgets/global")).GetProperty("windows")[0];

        var rows = await ReportAsync("capability", day);

        Assert.Equal(3m, repeat.GetProperty("saved_by_cache_cents").GetDecimal());
        var cached = rows.Where(r => r.GetProperty("key").GetString() == "report-cache-cap").ToList();
        Assert.Equal(3m, cached.Sum(r => r.GetProperty("spent_cents").GetDecimal()));
        Assert.Equal(3m, cached.Sum(r => r.GetProperty("saved_cents").GetDecimal()));
    }

    [Fact]
    public async Task SpendReport_Csv_HasAHeaderAndTheJsonRows()
    {
        await node.RunOneStepAsync("image-generate");
        using var client = node.Client();

        var json = await node.GetAsync("/v1/reports/spend?group_by=provider&bucket=day");
        var response = await client.GetAsync("/v1/reports/spend?group_by=provider&bucket=day&format=csv", Ct);

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).TrimEnd('\n').Split('\n');
        Assert.Equal("bucket_start,key,spent_cents,saved_cents,invocations,estimated_cents,drift_percent", lines[0]);
        Assert.Equal(json.GetArrayLength(), lines.Length - 1);
        var first = json[0];
        var drift = first.TryGetProperty("drift_percent", out var percent) ? percent.GetRawText() : string.Empty;
        Assert.Equal(
            $"{first.GetProperty("bucket_start").GetDateTimeOffset():yyyy-MM-dd'T'HH:mm:sszzz},{first.GetProperty("key").GetString()},{first.GetProperty("spent_cents").GetRawText()},{first.GetProperty("saved_cents").GetRawText()},{first.GetProperty("invocations").GetInt32()},{first.GetProperty("estimated_cents").GetRawText()},{drift}",
            lines[1]);
    }

    [Theory]
    [InlineData("group_by=team", "group_by")]
    [InlineData("bucket=week", "bucket")]
    [InlineData("format=xml", "format")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=soon", "to")]
    [InlineData("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("bucket=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from")]
    public async Task SpendReport_BadParameter_IsAProblemNamingTheField(string query, string field)
    {
        using var client = node.Client();

        var response = await client.GetAsync($"/v1/reports/spend?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await DashboardNode.JsonAsync(response);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.StartsWith(field + ":", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpendReport_WithAnApiKey_ShowsOnlyTheKeysScopes()
    {
        await node.PutProviderAsync("report-key", "report-key-cap", 1m);
        await node.RunOneStepAsync("report-key-cap", team: "report-mine");
        await node.RunOneStepAsync("report-key-cap", team: "report-theirs");
        var key = await node.CreateKeyAsync("team:report-mine");

        var mine = await node.GetAsync("/v1/reports/spend?group_by=scope&bucket=day", key);
        var all = await node.GetAsync("/v1/reports/spend?group_by=scope&bucket=day");

        Assert.Equal(["team:report-mine"], mine.EnumerateArray().Select(r => r.GetProperty("key").GetString()).Distinct());
        Assert.Contains(all.EnumerateArray(), r => r.GetProperty("key").GetString() == "team:report-theirs");
    }

    [Fact]
    public async Task SpendReport_WithoutAToken_IsUnauthorized()
    {
        using var client = node.Client(token: null);

        var response = await client.GetAsync("/v1/reports/spend", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<List<JsonElement>> ReportAsync(string groupBy, JsonElement window)
    {
        var from = Uri.EscapeDataString(window.GetProperty("window_start").GetString()!);
        var to = Uri.EscapeDataString(window.GetProperty("resets_at").GetString()!);
        var rows = await node.GetAsync($"/v1/reports/spend?group_by={groupBy}&bucket=hour&from={from}&to={to}");
        return rows.EnumerateArray().ToList();
    }
}
