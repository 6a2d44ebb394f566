using CostOrchestrator.Cli.Simulation;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cli.Tests.Simulation;

public sealed class ArrivalPlanTests
{
    [Fact]
    public void Build_SameSeed_SameArrivalsAtTheSameInstants()
    {
        var workload = ReferenceWeek();

        var first = ArrivalPlan.Build(workload, 1);
        var second = ArrivalPlan.Build(workload, 1);

        Assert.Equal(Describe(first), Describe(second));
    }

    [Fact]
    public void Build_AnotherSeed_DrawsOtherGeneratedInputs()
    {
        var workload = ReferenceWeek();

        Assert.NotEqual(Describe(ArrivalPlan.Build(workload, 1)), Describe(ArrivalPlan.Build(workload, 2)));
    }

    [Fact]
    public void Build_EachDay_RunsSpreadInsideTheDayInTimeOrder_CountsAsWritten()
    {
        var workload = ReferenceWeek();

        var plan = ArrivalPlan.Build(workload, 1);

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), plan.Midnights[0]);
        for (var day = 0; day < workload.Days; day++)
        {
            var arrivals = plan.Days[day];
            Assert.All(arrivals, a => Assert.InRange(a.At, plan.Midnights[day].AddTicks(1), plan.Midnights[day + 1].AddTicks(-1)));
            Assert.Equal(arrivals.OrderBy(a => a.At).Select(a => a.At), arrivals.Select(a => a.At));
            Assert.Equal(workload.Work.Sum(w => w.RunsOn(day)), arrivals.Count);
        }

        // The weekly summary runs on Friday only; the podcast on weekdays.
        Assert.Equal([0, 0, 0, 0, 1, 0, 0], plan.Days.Select(d => d.Count(a => a.WorkIndex == 0)));
        Assert.Equal([1, 1, 1, 1, 1, 0, 0], plan.Days.Select(d => d.Count(a => a.WorkIndex == 2)));
    }

    private static Workload ReferenceWeek() => WorkloadParser.Parse(File.ReadAllText(Workloads.ReferenceWeek), Workloads.ReferenceWeek).Workload!;

    private static List<string> Describe(ArrivalPlan plan) =>
        [.. plan.Days.SelectMany(d => d).Select(a => $"{a.At:O} {a.WorkIndex} {a.Input?.GetRawText()}")];
}
