using System.Globalization;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Dashboard.Tests;

/// <summary>1,000 budget scopes and 10,000 runs in the store: the page renders a page of each, never all, and pages.</summary>
public sealed class LargeStoreDashboardTests(DashboardNode node) : IClassFixture<DashboardNode>
{
    private const int Scopes = 1_000;
    private const int Runs = 10_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dashboard_ThousandScopesAndTenThousandRuns_RendersBoundedPagesThatPage()
    {
        await SeedAsync();
        var budgetsFromApi = (await node.GetAsync("/v1/budgets")).GetArrayLength();

        var result = (await BrowserCheck.RunAsync(node.DashboardUrl, DashboardNode.AdminToken, new BrowserPlan()
            .Login()
            .WaitText("budget-page-1", "[data-testid=budget-page]", contains: string.Create(CultureInfo.InvariantCulture, $"{budgetsFromApi:N0} scopes"), timeoutMs: 30_000)
            .Count("budget-rows-1", "[data-testid=budget-row]")
            .Attrs("budget-scopes-1", "[data-testid=budget-row]", "data-scope")
            .Screenshot("large-budgets")
            .Click("[data-testid=budget-next]")
            .WaitText("budget-page-2", "[data-testid=budget-page]", contains: "Page 2 of")
            .Attrs("budget-scopes-2", "[data-testid=budget-row]", "data-scope")
            .Select("[data-testid=budget-kind]", "user")
            .WaitText("user-page", "[data-testid=budget-page]", contains: "1,000 scopes")
            .Fill("[data-testid=budget-search]", "user:u777")
            .WaitCount("searched", "[data-testid=budget-row]", min: 1, max: 1)
            .Attrs("searched-scope", "[data-testid=budget-row]", "data-scope")
            .Tab("runs")
            .WaitCount("run-rows-1", "[data-testid=run-row]", min: 25, max: 25)
            .Attrs("run-ids-1", "[data-testid=run-row]", "data-run-id")
            .Screenshot("large-runs")
            .Click("[data-testid=run-next]")
            .WaitText("run-page-2", "[data-testid=run-page]", contains: "Page 2")
            .WaitCount("run-rows-2", "[data-testid=run-row]", min: 25, max: 25)
            .Attrs("run-ids-2", "[data-testid=run-row]", "data-run-id")
            .Count("budget-rows-in-dom", "[data-testid=budget-row]")
            .Count("run-rows-in-dom", "[data-testid=run-row]")
            .Count("table-rows-in-dom", "tr"), Ct)).AssertOk();

        var firstPage = (await node.GetAsync("/v1/runs?limit=25&offset=0")).EnumerateArray().Select(r => r.GetProperty("run_id").GetString()!).ToList();
        var secondPage = (await node.GetAsync("/v1/runs?limit=25&offset=25")).EnumerateArray().Select(r => r.GetProperty("run_id").GetString()!).ToList();
        Assert.True(budgetsFromApi >= Scopes);
        Assert.Equal($"Page 1 of {(budgetsFromApi + 49) / 50}", result.Text("budget-page-1").Split(" · ")[0]);
        Assert.Equal(50, result.Number("budget-rows-1"));
        Assert.Empty(result.Strings("budget-scopes-1").Intersect(result.Strings("budget-scopes-2")));
        Assert.Equal(50, result.Strings("budget-scopes-2").Count);
        Assert.Equal(["user:u777"], result.Strings("searched-scope"));
        Assert.Equal(firstPage, result.Strings("run-ids-1"));
        Assert.Equal(secondPage, result.Strings("run-ids-2"));
        Assert.True(result.Number("budget-rows-in-dom") <= 100);
        Assert.True(result.Number("run-rows-in-dom") <= 100);
        Assert.True(result.Number("table-rows-in-dom") <= 400, $"{result.Number("table-rows-in-dom")} table rows in the DOM");
    }

    // Straight into the store (the API would take minutes): budget policies for 1,000 user scopes, 10,000 finished runs.
    private async Task SeedAsync()
    {
        var store = node.Store;
        for (var i = 1; i <= Scopes; i++)
        {
            await store.UpsertPolicyAsync(new BudgetPolicy
            {
                Scope = $"user:u{i}",
                Windows = [new BudgetWindowLimit { Window = WindowKind.Month, LimitCents = 100 + i }],
            }, Ct);
        }

        var pipeline = new PipelineDefinition
        {
            Id = "seeded",
            Steps = [new PipelineStep { Name = "only", Invoke = new StepInvoke { Capability = "llm-chat", Inputs = JsonDocument.Parse("{}").RootElement } }],
        };
        var start = TimeProvider.System.GetUtcNow().AddDays(-2);
        for (var i = 0; i < Runs; i++)
        {
            var created = start.AddSeconds(i);
            await store.CreateRunAsync(new RunRecord
            {
                RunId = $"run_seeded_{i:D5}",
                PipelineId = "seeded",
                Status = i % 10 == 0 ? RunStatus.Failed : RunStatus.Succeeded,
                Pipeline = pipeline,
                Scopes = ["global", "pipeline:seeded"],
                CreatedAt = created,
                StartedAt = created,
                CompletedAt = created.AddMilliseconds(250 + (i % 7 * 100)),
                TotalCostCents = i % 13 * 0.125m,
                EstimatedCostCents = i % 13 * 0.125m,
                Steps = [],
            }, Ct);
        }
    }
}
