using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>One run to submit: when, which workload entry, with what input.</summary>
internal sealed record Arrival(DateTimeOffset At, int WorkIndex, JsonElement? Input);

/// <summary>
/// When every run of a workload arrives, worked out once from the workload and its seed, so every policy gets
/// exactly the same work at the same simulated instants. Each day's runs arrive in an order shuffled by the seed,
/// evenly spaced over the day (from its midnight to the next, in the budgets' time zone).
/// </summary>
internal sealed class ArrivalPlan
{
    private ArrivalPlan(IReadOnlyList<DateTimeOffset> midnights, IReadOnlyList<IReadOnlyList<Arrival>> days)
    {
        Midnights = midnights;
        Days = days;
    }

    /// <summary>The midnight starting each day, then the one ending the last: <c>Days.Count + 1</c> instants.</summary>
    public IReadOnlyList<DateTimeOffset> Midnights { get; }

    /// <summary>Each day's arrivals, in time order.</summary>
    public IReadOnlyList<IReadOnlyList<Arrival>> Days { get; }

    public int Runs => Days.Sum(d => d.Count);

    public static ArrivalPlan Build(Workload workload, long seed)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var random = new SeededRandom(seed);
        var midnights = MidnightsOf(workload);
        var cycled = new int[workload.Work.Count];
        var days = new List<IReadOnlyList<Arrival>>(workload.Days);
        for (var day = 0; day < workload.Days; day++)
        {
            var runs = new List<(int WorkIndex, JsonElement? Input)>();
            for (var w = 0; w < workload.Work.Count; w++)
            {
                var entry = workload.Work[w];
                for (var r = 0; r < entry.RunsOn(day); r++)
                {
                    runs.Add((w, InputFor(entry, cycled[w]++, random)));
                }
            }

            Shuffle(runs, random);
            var length = midnights[day + 1] - midnights[day];
            days.Add([.. runs.Select((run, i) => new Arrival(midnights[day] + length * (i + 1) / (runs.Count + 1), run.WorkIndex, run.Input))]);
        }

        return new ArrivalPlan(midnights, days);
    }

    private static JsonElement? InputFor(WorkloadEntry entry, int runIndex, SeededRandom random) =>
        entry.Generate is { } generate ? generate.Make(random.Next(generate.Distinct) + 1)
        : entry.Inputs.Count > 0 ? entry.Inputs[runIndex % entry.Inputs.Count]
        : null;

    // Fisher-Yates, so every order is equally likely and the seed alone decides which.
    private static void Shuffle<T>(List<T> items, SeededRandom random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    // Midnights as budget windows see them: a day is 23 or 25 hours across a DST change.
    private static List<DateTimeOffset> MidnightsOf(Workload workload)
    {
        var noon = TimeZoneInfo.ConvertTimeToUtc(workload.Start.ToDateTime(new TimeOnly(12, 0)), workload.TimeZone);
        var midnight = BudgetWindows.StartOf(WindowKind.Day, noon, workload.TimeZone);
        var midnights = new List<DateTimeOffset> { midnight };
        for (var day = 0; day < workload.Days; day++)
        {
            midnight = BudgetWindows.NextBoundary(WindowKind.Day, midnight, workload.TimeZone)!.Value;
            midnights.Add(midnight);
        }

        return midnights;
    }
}
