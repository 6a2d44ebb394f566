using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Cli.Simulation;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Cli.Tests.Simulation;

public sealed class PolicyReportTests
{
    private static readonly Workload _referenceWeek = WorkloadParser.Parse(File.ReadAllText(Workloads.ReferenceWeek), Workloads.ReferenceWeek).Workload!;

    [Fact]
    public void From_RunRecordsAndLedgerAgree_NoDisagreement()
    {
        var report = PolicyReport.From(Run(Review("claude-sonnet", 0.5m), ledgerCents: 0.5m), _referenceWeek);

        Assert.Empty(report.Disagreements());
        Assert.Equal(0.5m, report.BillCents);
        Assert.Equal(1, report.Completed);
        Assert.Equal(0, report.BelowQualityFloor);
    }

    [Fact]
    public void Disagreements_LedgerChargedOtherThanTheRunRecords_SaysBoth()
    {
        var report = PolicyReport.From(Run(Review("claude-sonnet", 0.5m), ledgerCents: 0.75m), _referenceWeek);

        var disagreement = Assert.Single(report.Disagreements());
        Assert.Contains("0.5¢", disagreement, StringComparison.Ordinal);
        Assert.Contains("0.75¢", disagreement, StringComparison.Ordinal);
    }

    [Fact]
    public void From_ComplexStepServedByAQualityOneProvider_CountsItBelowTheFloorAsWritten()
    {
        var report = PolicyReport.From(Run(Review("workers-ai", 0m), ledgerCents: 0m), _referenceWeek);

        Assert.Equal(1, report.BelowQualityFloor);
        Assert.Equal(0, report.Degraded);
    }

    [Fact]
    public void From_StepRoutedByFallbackDegrade_CountsADegradedRunAndARefusal()
    {
        var degraded = Review("workers-ai", 0m) with
        {
            Steps = [Review("workers-ai", 0m).Steps[0] with
            {
                Decision = new RoutingDecision
                {
                    Capability = "llm-chat",
                    BudgetStatus = BudgetStatus.Normal,
                    Prefer = RoutePreference.Cheapest,
                    Candidates = [],
                    Notes = ["fallback degrade: quality floor and preference dropped, free first", "fallback degrade applied"],
                },
            }],
        };

        var report = PolicyReport.From(Run(degraded, ledgerCents: 0m), _referenceWeek);

        Assert.Equal(1, report.Degraded);
        Assert.Equal(1, report.BudgetRefusals);
    }

    // The reference week's design review (one complex llm-chat step), succeeded on the given provider.
    private static RunRecord Review(string providerId, decimal cents)
    {
        var pipeline = _referenceWeek.Work.Single(w => w.Pipeline.Id == "llm-design-review").Pipeline;
        return new RunRecord
        {
            RunId = "run_1",
            PipelineId = pipeline.Id,
            Status = RunStatus.Succeeded,
            Pipeline = pipeline,
            CreatedAt = DateTimeOffset.UnixEpoch,
            TotalCostCents = cents,
            Steps =
            [
                new StepRecord
                {
                    Name = "review",
                    Capability = "llm-chat",
                    Status = StepStatus.Succeeded,
                    Invocations = [new InvocationRecord { InvocationId = "inv_1", ProviderId = providerId, ActualCents = cents, Attempts = 1 }],
                },
            ],
        };
    }

    private static PolicyRun Run(RunRecord record, decimal ledgerCents) => new()
    {
        Policy = SimulationPolicy.CostAware,
        Runs = [new SimulatedRun(_referenceWeek.Work.ToList().FindIndex(w => w.Pipeline.Id == record.PipelineId), record)],
        Ledger = [new LedgerEntry { EntryId = "l1", CreatedAt = DateTimeOffset.UnixEpoch, Chain = ["global"], ActualCents = ledgerCents }],
    };
}
