using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CostOrchestrator.Abstractions.Reports;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cli.Tests;

/// <summary><c>costorch report</c> against a node that ran a known workload: the table says what the API says.</summary>
public sealed class ReportCommandTests(SqliteReportNode fixture) : IClassFixture<SqliteReportNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Report_ByPipeline_PrintsEachPipelinesRunsAndCostPerSuccessfulRun()
    {
        var (exit, stdout, stderr) = await ReportAsync("--group-by", "pipeline", "--bucket", "day");
        var rows = await ApiRowsAsync("pipeline");

        Assert.True(exit == 0, stderr);
        var lines = TableLines(stdout, out var header);
        Assert.Equal(["bucket", "pipeline", "spent¢", "saved¢", "invocations", "succeeded", "failed", "budget rejected", "cancelled", "per success¢"], header);
        Assert.Equal(rows.Count, lines.Count);
        foreach (var (row, cells) in rows.Zip(lines))
        {
            Assert.Equal(Common(row), cells[..5]);
            Assert.Equal(
                [row.RunsSucceeded, row.RunsFailed, row.RunsBudgetRejected, row.RunsCancelled],
                cells[5..9].Select(c => (int?)int.Parse(c, CultureInfo.InvariantCulture)));
            Assert.Equal(row.CostPerSuccessfulRunCents, cells[9] == "-" ? null : decimal.Parse(cells[9], CultureInfo.InvariantCulture));
        }

        Assert.Contains(lines, cells => cells[1] == SpendWorkload.Mixed);
        Assert.Contains("runs 5 succeeded, 1 failed, 1 budget rejected, 0 cancelled", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_ByProvider_PrintsEstimatedBesideSpentAndTheDrift()
    {
        var (exit, stdout, stderr) = await ReportAsync("--group-by", "provider", "--bucket", "day");
        var rows = await ApiRowsAsync("provider");

        Assert.True(exit == 0, stderr);
        var lines = TableLines(stdout, out var header);
        Assert.Equal(["bucket", "provider", "spent¢", "saved¢", "invocations", "estimated¢", "drift"], header);
        Assert.Equal(rows.Count, lines.Count);
        foreach (var (row, cells) in rows.Zip(lines))
        {
            Assert.Equal(Common(row), cells[..5]);
            Assert.Equal(row.EstimatedCents, decimal.Parse(cells[5], CultureInfo.InvariantCulture));
            Assert.Equal(row.DriftPercent, cells[6] == "-" ? null : decimal.Parse(cells[6].TrimEnd('%'), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
        }

        Assert.Contains(lines, cells => cells[1] == SpendWorkload.ProviderTokens && cells[6].StartsWith('-'));
    }

    [Fact]
    public async Task Report_Csv_IsTheNodesCsv()
    {
        var (exit, stdout, stderr) = await ReportAsync("--group-by", "pipeline", "--bucket", "day", "--csv");
        using var client = fixture.Node.Client();
        var csv = await client.GetStringAsync(ApiQuery("pipeline") + "&format=csv", Ct);

        Assert.True(exit == 0, stderr);
        Assert.Equal(csv, stdout);
    }

    [Fact]
    public async Task Report_Json_IsTheNodesRows()
    {
        var (exit, stdout, stderr) = await ReportAsync("--group-by", "capability", "--bucket", "hour", "--json");

        Assert.True(exit == 0, stderr);
        Assert.Equal(await ApiRowsAsync("capability", "hour"), JsonSerializer.Deserialize<List<SpendReportRow>>(stdout, CostOrchestratorJson.Options)!);
    }

    [Fact]
    public async Task Report_KeyOfAnotherTeam_PrintsNoSpend()
    {
        var key = await fixture.Node.CreateKeyAsync("team:report-other");

        var (exit, stdout, stderr) = await CostorchProcess.RunAsync(Ct, ["report", "--group-by", "pipeline", .. Range(), "--node", fixture.Node.BaseAddress.ToString(), "--token", key]);

        Assert.True(exit == 0, stderr);
        Assert.Equal("no spend in the range", stdout.Trim());
    }

    [Theory]
    [InlineData("--from", "yesterday")]
    [InlineData("--group-by", "team")]
    [InlineData("--bucket", "week")]
    public async Task Report_BadOption_Exits2NamingIt_WithoutAskingTheNode(string option, string value)
    {
        var (exit, stdout, stderr) = await CostorchProcess.RunAsync(Ct, "report", option, value, "--node", "http://127.0.0.1:1");

        Assert.Equal(2, exit);
        Assert.DoesNotContain("cannot reach", stderr, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("bucket  ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_JsonAndCsv_Exits2()
    {
        var (exit, _, stderr) = await CostorchProcess.RunAsync(Ct, "report", "--json", "--csv", "--node", "http://127.0.0.1:1");

        Assert.Equal(2, exit);
        Assert.Contains("--json and --csv: choose one", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_RangeTheNodeRefuses_Exits2WithTheNodesReason()
    {
        var (exit, _, stderr) = await CostorchProcess.RunAsync(Ct, "report", "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z",
            "--node", fixture.Node.BaseAddress.ToString(), "--token", RunningNode.AdminToken);

        Assert.Equal(2, exit);
        Assert.Contains("from: must be before 'to'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_NodeUnreachable_Exits3()
    {
        var (exit, _, stderr) = await CostorchProcess.RunAsync(Ct, "report", "--node", "http://127.0.0.1:1", "--token", "t");

        Assert.Equal(3, exit);
        Assert.Contains("cannot reach", stderr, StringComparison.Ordinal);
    }

    private static string[] Common(SpendReportRow row) =>
    [
        row.BucketStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Key, Cents(row.SpentCents), Cents(row.SavedCents),
        row.Invocations.ToString(CultureInfo.InvariantCulture),
    ];

    private static string Cents(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    // The table's rows, cells split where columns are (two spaces or more), between the header and the totals line.
    private static List<string[]> TableLines(string stdout, out string[] header)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Regex.Split(l.Trim(), @"\s{2,}")).ToList();
        header = lines[0];
        return lines.Skip(1).TakeWhile(cells => !cells[0].StartsWith("total ", StringComparison.Ordinal)).ToList();
    }

    private string[] Range() => ["--from", fixture.From.ToString("O"), "--to", fixture.To.ToString("O")];

    private Task<(int ExitCode, string Stdout, string Stderr)> ReportAsync(params string[] options) =>
        CostorchProcess.RunAsync(Ct, ["report", .. options, .. Range(), "--node", fixture.Node.BaseAddress.ToString(), "--token", RunningNode.AdminToken]);

    private string ApiQuery(string groupBy, string bucket = "day") =>
        $"/v1/reports/spend?group_by={groupBy}&bucket={bucket}&from={Uri.EscapeDataString(fixture.From.ToString("O"))}&to={Uri.EscapeDataString(fixture.To.ToString("O"))}";

    private async Task<List<SpendReportRow>> ApiRowsAsync(string groupBy, string bucket = "day")
    {
        using var client = fixture.Node.Client();
        return (await client.GetFromJsonAsync<List<SpendReportRow>>(ApiQuery(groupBy, bucket), CostOrchestratorJson.Options, Ct))!;
    }
}
