using System.Globalization;
using System.Net;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Reports;

namespace CostOrchestrator.Client.Tests.Reports;

public sealed class SpendReportTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    // Paid providers (fal-wan2 among them), so every number below is more than zero.
    private const string Clip = "render-social-clip";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetSpendReportAsync_ByPipeline_ReadsRunsAndCostPerSuccess_AsTheCsvWritesThem()
    {
        var from = TimeProvider.System.GetUtcNow();
        var runs = new[] { await node.Admin.SubmitRunAsync(Clip, SampleInput(), wait: true, Ct), await node.Admin.SubmitRunAsync(Clip, SampleInput(), wait: true, Ct) };
        var to = TimeProvider.System.GetUtcNow().AddSeconds(1);

        var report = await node.Admin.GetSpendReportAsync(SpendGrouping.Pipeline, SpendBucket.Day, from, to, Ct);
        var csv = await node.Admin.GetSpendReportCsvAsync(SpendGrouping.Pipeline, SpendBucket.Day, from, to, Ct);

        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.False(report.Truncated);
        var rows = report.Rows.Where(r => r.Key == Clip).ToList();
        Assert.Equal(2, rows.Sum(r => r.RunsSucceeded));
        Assert.Equal(runs.Sum(r => r.TotalCostCents), rows.Sum(r => r.SpentCents));
        Assert.True(rows.Sum(r => r.SpentCents) > 0);
        var lines = csv.Csv.TrimEnd('\n').Split('\n');
        Assert.Equal("bucket_start,key,spent_cents,saved_cents,invocations,runs_succeeded,runs_failed,runs_budget_rejected,runs_cancelled,cost_per_successful_run_cents", lines[0]);
        Assert.Equal(
            rows.Select(r => string.Join(',', r.SpentCents.ToString(CultureInfo.InvariantCulture), r.RunsSucceeded, r.RunsFailed, r.RunsBudgetRejected, r.RunsCancelled,
                r.CostPerSuccessfulRunCents?.ToString(CultureInfo.InvariantCulture))),
            lines.Skip(1).Where(l => l.Split(',')[1] == Clip).Select(l => string.Join(',', l.Split(',').Where((_, i) => i == 2 || i >= 5))));
    }

    [Fact]
    public async Task GetSpendReportAsync_ByProvider_ReadsEstimatedBesideSpent()
    {
        await node.Admin.SubmitRunAsync(Clip, SampleInput(), wait: true, Ct);

        var report = await node.Admin.GetSpendReportAsync(SpendGrouping.Provider, SpendBucket.Hour, cancellationToken: Ct);

        Assert.NotEmpty(report.Rows);
        Assert.All(report.Rows, r => Assert.NotNull(r.EstimatedCents));
        Assert.All(report.Rows, r => Assert.Null(r.RunsSucceeded));
        Assert.Contains(report.Rows, r => r.SpentCents > 0 && r.DriftPercent is not null);
    }

    [Fact]
    public async Task GetSpendReportAsync_EmptyRange_ThrowsInvalidRequestNamingFrom()
    {
        var now = TimeProvider.System.GetUtcNow();

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() => node.Admin.GetSpendReportAsync(from: now, to: now.AddHours(-1), cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        Assert.Equal(("invalid_request", "from"), (ex.Code, ex.Field));
    }

    // New scenes each time, so no b-roll is served from another run's cache.
    private static JsonElement SampleInput() =>
        JsonSerializer.SerializeToElement(new { script = "a report", scenes = new[] { Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N") } });
}
