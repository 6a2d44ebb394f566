using System.CommandLine;
using System.Text.Json;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Cli.Output;
using CostOrchestrator.Cli.Simulation;

namespace CostOrchestrator.Cli.Commands;

/// <summary>
/// <c>costorch simulate WORKLOAD [--policy cost-aware|always-premium|cheapest|all]... [--seed N] [--json]</c>: runs a
/// workload on a throwaway embedded node per policy, with simulated providers and a simulated clock, and prints
/// what each policy cost and delivered, side by side.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("workload") { Description = "Workload file (JSON): days, seed, and per pipeline its runs a day and inputs." };
        var policy = new Option<string[]>("--policy")
        {
            Description = "Routing policy to simulate; give it several times to compare, or all (the default).",
            DefaultValueFactory = _ => [SimulationPolicies.All],
        };
        policy.AcceptOnlyFromAmong([.. SimulationPolicies.Every.Select(p => p.Name()), SimulationPolicies.All]);
        var seed = new Option<long?>("--seed") { Description = "Overrides the workload's seed." };
        var json = new Option<bool>("--json") { Description = "Print the numbers as JSON instead of a table." };
        var verbose = new Option<bool>("--verbose") { Description = "Log what the nodes do." };
        var command = new Command("simulate", "What-if: run a workload under routing policies on simulated providers and a simulated clock; print each policy's bill, work done, cache savings and budget refusals.")
        {
            file, policy, seed, json, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"workload: '{path.FullName}' not found").ConfigureAwait(false);
                return 2;
            }

            var (workload, errors) = WorkloadParser.Parse(await File.ReadAllTextAsync(path.FullName, cancellationToken).ConfigureAwait(false), path.FullName);
            if (workload is null)
            {
                foreach (var error in errors)
                {
                    await Console.Error.WriteLineAsync($"{path.Name}: {error}").ConfigureAwait(false);
                }

                return 2;
            }

            var runSeed = parse.GetValue(seed) ?? workload.Seed;
            var plan = ArrivalPlan.Build(workload, runSeed);
            // Each policy has its own node, clock and store, so they run side by side without touching each other.
            var runs = await Task.WhenAll(SimulationPolicies.Parse(parse.GetValue(policy) ?? [])
                .Select(chosen => PolicySimulation.RunAsync(workload, plan, chosen, parse.GetValue(verbose), cancellationToken))).ConfigureAwait(false);
            var reports = runs.Select(run => PolicyReport.From(run, workload)).ToList();

            // The bill is read from the run records; the ledger is what was charged. A difference is a defect, and a
            // bill that hides one would be worse than none.
            var disagreements = reports.SelectMany(r => r.Disagreements()).ToList();
            if (disagreements.Count > 0)
            {
                foreach (var disagreement in disagreements)
                {
                    await Console.Error.WriteLineAsync("ledger disagrees with the run records: " + disagreement).ConfigureAwait(false);
                }

                return 1;
            }

            var report = SimulationReport.Of(workload, runSeed, plan, reports);
            Console.Write(parse.GetValue(json) ? JsonSerializer.Serialize(report, CostOrchestratorJson.Indented) + Environment.NewLine : SimulationTable.Render(report));
            return 0;
        });
        return command;
    }
}
