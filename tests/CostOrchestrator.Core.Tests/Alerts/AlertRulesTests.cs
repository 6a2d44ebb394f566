using CostOrchestrator.Abstractions.Alerts;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Alerts;

namespace CostOrchestrator.Core.Tests.Alerts;

/// <summary>The pipeline rules: a run's cost against its pipeline's rolling average, and a recurring pipeline's cache.</summary>
public sealed class AlertRulesTests
{
    private static readonly DateTimeOffset Day = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);

    private static RunRecord Run(int minute, decimal cost, int hits = 0, int misses = 0, string pipeline = "weekly") => new()
    {
        RunId = $"run_{pipeline}_{minute}",
        PipelineId = pipeline,
        Status = RunStatus.Succeeded,
        Pipeline = new PipelineDefinition { Id = pipeline, Steps = [] },
        CreatedAt = Day.AddMinutes(minute),
        CompletedAt = Day.AddMinutes(minute),
        TotalCostCents = cost,
        CacheHits = hits,
        CacheMisses = misses,
        Steps = [],
    };

    private static IReadOnlyList<AlertCondition> Evaluate(IEnumerable<RunRecord> runs, AlertSettings? settings = null) =>
        AlertRules.Evaluate(new AlertSnapshot { Now = Day.AddHours(12), DayStart = Day, Runs = runs.ToList(), Settings = settings ?? new AlertSettings() });

    [Fact]
    public void ARunAboveTwiceTheRollingAverage_AfterFiveRuns_IsAnAnomaly()
    {
        var steady = Enumerable.Range(0, 5).Select(i => Run(i, 10m, hits: 1, misses: 0)).ToList();

        var anomaly = Assert.Single(Evaluate([.. steady, Run(10, 25m, hits: 1)]), c => c.Kind == AlertKinds.RunCostAnomaly);

        Assert.Equal(("pipeline:weekly", "day:2026-03-10"), (anomaly.Subject, anomaly.Window));
        Assert.Equal("run_weekly_10", anomaly.Details["run_id"]);
        Assert.Equal(10m, anomaly.Details["average_cents"]);
        Assert.DoesNotContain(Evaluate([.. steady, Run(10, 20m, hits: 1)]), c => c.Kind == AlertKinds.RunCostAnomaly); // exactly 2x is not above
        Assert.DoesNotContain(Evaluate([.. steady.Take(4), Run(10, 25m, hits: 1)]), c => c.Kind == AlertKinds.RunCostAnomaly); // too few runs yet
    }

    [Fact]
    public void APipelinesOwnThresholds_ReplaceTheDefaults()
    {
        var settings = new AlertSettings { PipelineOverrides = new Dictionary<string, PipelineAlertThresholds> { ["weekly"] = new() { AnomalyFactor = 3m, MinRuns = 2 } } };
        var runs = new[] { Run(0, 10m, hits: 1), Run(1, 10m, hits: 1), Run(2, 25m, hits: 1) };

        Assert.DoesNotContain(Evaluate(runs, settings), c => c.Kind == AlertKinds.RunCostAnomaly); // 2.5x < 3x
        Assert.Contains(Evaluate([.. runs, Run(3, 50m, hits: 1)], settings), c => c.Kind == AlertKinds.RunCostAnomaly); // 50 > 3 × 15
    }

    [Fact]
    public void ARecurringPipelineWhoseCacheServesUnderHalf_IsFlagged()
    {
        var cold = Enumerable.Range(0, 5).Select(i => Run(i, 10m, hits: 1, misses: 3)).ToList();
        var warm = Enumerable.Range(0, 5).Select(i => Run(i, 10m, hits: 3, misses: 1)).ToList();

        var low = Assert.Single(Evaluate(cold), c => c.Kind == AlertKinds.CacheHitRatioLow);
        Assert.Equal(0.25m, low.Details["hit_ratio"]);
        Assert.DoesNotContain(Evaluate(warm), c => c.Kind == AlertKinds.CacheHitRatioLow);
        Assert.DoesNotContain(Evaluate(cold.Take(4)), c => c.Kind == AlertKinds.CacheHitRatioLow); // not recurring yet
    }

    [Fact]
    public void BudgetStatus_MapsToOneAlertPerThresholdCrossed()
    {
        var window = new WindowState
        {
            Window = WindowKind.Month, WindowStart = Day.AddDays(-9), ResetsAt = Day.AddDays(22), LimitCents = 100m, SpentCents = 91m, ReservedCents = 0m,
            PctConsumed = 0.91m, Status = BudgetStatus.Constrained, ProjectedCents = 95m,
        };
        var budget = new ScopeBudget { Scope = "team:red", Status = BudgetStatus.Constrained, Windows = [window], Thresholds = BudgetThresholds.Default, HasPolicy = true };

        var kinds = AlertRules.Evaluate(new AlertSnapshot { Now = Day, DayStart = Day, Budgets = [budget] }).Select(c => c.Kind).ToList();

        Assert.Equal([AlertKinds.BudgetWarn, AlertKinds.BudgetConstrained], kinds); // projected 95¢ stays under the limit: no forecast alert
    }
}
