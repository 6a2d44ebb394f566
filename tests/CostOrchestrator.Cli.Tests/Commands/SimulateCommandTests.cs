using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Cli.Tests.Simulation;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cli.Tests.Commands;

/// <summary>The small week simulated once under every policy (seed 1, <c>--json</c>), shared by the tests that read it.</summary>
public sealed class SmallWeekSimulation : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public string Workload { get; private set; } = string.Empty;

    public (int ExitCode, string Stdout, string Stderr) Result { get; private set; }

    public JsonNode Report => JsonNode.Parse(Result.Stdout)!;

    public async ValueTask InitializeAsync()
    {
        Workload = Workloads.SmallWeek(_directory.Path);
        Result = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken, "simulate", Workload, "--json");
    }

    public ValueTask DisposeAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class SimulateCommandTests(SmallWeekSimulation smallWeek) : IClassFixture<SmallWeekSimulation>
{
    [Fact]
    public async Task Simulate_SameWorkloadAndSeed_PrintsTheSameBytes()
    {
        var again = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken, "simulate", smallWeek.Workload, "--json");

        Assert.True(smallWeek.Result.ExitCode == 0, smallWeek.Result.Stderr);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(smallWeek.Result.Stdout, again.Stdout);
        Assert.DoesNotMatch(@"run_[0-9a-f]{24}", again.Stdout);
    }

    [Fact]
    public async Task Simulate_AnotherSeed_DrawsOtherWork()
    {
        // Always-premium pays for every LLM input it has not seen that day, so other draws show in its bill.
        var other = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken, "simulate", smallWeek.Workload, "--json", "--seed", "2", "--policy", "always-premium");

        Assert.True(other.ExitCode == 0, other.Stderr);
        var premium = JsonNode.Parse(other.Stdout)!["policies"]![0]!;
        Assert.Equal("always-premium", premium["policy"]!.GetValue<string>());
        Assert.NotEqual(Policy("always-premium").ToJsonString(), premium.ToJsonString());
        Assert.Equal(2, JsonNode.Parse(other.Stdout)!["seed"]!.GetValue<long>());
    }

    [Fact]
    public void Simulate_CostAwareAgainstAlwaysPremium_CheaperForTheSameCompletedRuns()
    {
        var costAware = Policy("cost-aware");
        var premium = Policy("always-premium");
        var cheapest = Policy("cheapest");

        Assert.Equal(smallWeek.Report["runs_submitted"]!.GetValue<int>(), costAware["completed"]!.GetValue<int>());
        Assert.Equal(costAware["completed"]!.GetValue<int>(), premium["completed"]!.GetValue<int>());
        Assert.True(costAware["bill_cents"]!.GetValue<decimal>() < premium["bill_cents"]!.GetValue<decimal>(), smallWeek.Result.Stdout);
        // Cheapest pays no more than cost-aware, and buys it by serving complex work below its floor.
        Assert.True(cheapest["bill_cents"]!.GetValue<decimal>() <= costAware["bill_cents"]!.GetValue<decimal>(), smallWeek.Result.Stdout);
        Assert.Equal(0, costAware["below_quality_floor"]!.GetValue<int>());
        Assert.True(cheapest["below_quality_floor"]!.GetValue<int>() > 0, smallWeek.Result.Stdout);
    }

    [Fact]
    public void Simulate_EveryPolicy_TotalsEqualTheLedger()
    {
        Assert.True(smallWeek.Result.ExitCode == 0, smallWeek.Result.Stderr);
        foreach (var policy in smallWeek.Report["policies"]!.AsArray())
        {
            var ledger = policy!["ledger"]!;
            Assert.Equal(policy["bill_cents"]!.GetValue<decimal>(), ledger["charged_cents"]!.GetValue<decimal>());
            Assert.Equal(policy["saved_by_cache_cents"]!.GetValue<decimal>(), ledger["saved_by_cache_cents"]!.GetValue<decimal>());
            Assert.Equal(policy["cache_hits"]!.GetValue<int>(), ledger["cache_hits"]!.GetValue<int>());
        }

        Assert.True(Policy("always-premium")["bill_cents"]!.GetValue<decimal>() > 0);
    }

    [Fact]
    public async Task Simulate_RunsParkedByQueue_ResumeAtMidnight_AndThoseStillParkedAtTheEndAreCounted()
    {
        using var dir = new TempDirectory();

        var (exit, stdout, stderr) = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken,
            "simulate", Workloads.QueuedAtTheLimit(dir.Path), "--policy", "cost-aware", "--json");

        Assert.True(exit == 0, stderr);
        var report = JsonNode.Parse(stdout)!["policies"]![0]!;
        // Day 1: two runs fit 50¢, the third parks. Midnight resumes it; day 2 then fits one more and parks two.
        Assert.Equal(4, report["completed"]!.GetValue<int>());
        Assert.Equal(2, report["queued_at_end"]!.GetValue<int>());
        Assert.Equal(80m, report["bill_cents"]!.GetValue<decimal>());
        Assert.Equal(3, report["budget_refusals"]!.GetValue<int>());
        Assert.Equal(0, report["budget_rejected"]!.GetValue<int>());
    }

    [Fact]
    public async Task Simulate_MalformedWorkload_ExitsTwoNamingTheFieldAndRunsNothing()
    {
        using var dir = new TempDirectory();
        var path = Workloads.Write(dir.Path, "bad.json", """{ "days": 3, "seed": 1, "work": [ { "pipeline": "missing.json", "per_day": "daily" } ] }""");

        var (exit, stdout, stderr) = await CostorchProcess.RunAsync(TestContext.Current.CancellationToken, "simulate", path);

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("bad.json: work[0].pipeline: '", stderr, StringComparison.Ordinal);
        Assert.Contains("bad.json: work[0].per_day: must be a whole number", stderr, StringComparison.Ordinal);
    }

    private JsonNode Policy(string name) =>
        smallWeek.Report["policies"]!.AsArray().Single(p => p!["policy"]!.GetValue<string>() == name)!;
}
