using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Cli.Output;

namespace CostOrchestrator.Cli.Commands;

/// <summary>
/// <c>costorch demo</c>: starts an embedded node on the sample registry, budgets and pipelines, runs every
/// sample pipeline twice (the second time from cache) and prints what each cost and the budgets after.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Embedded store directory.", DefaultValueFactory = _ => "data" };
        var verbose = new Option<bool>("--verbose") { Description = "Log what the node does." };
        var command = new Command("demo", "Run every sample pipeline twice on an embedded node and show costs, cache savings and budgets.") { dataDir, verbose };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var profile = Grains.Configuration.NodeProfile.FindDefault();
            if (profile is null)
            {
                await Console.Error.WriteLineAsync("silo-config/embedded.json not found; run from the repository.").ConfigureAwait(false);
                return 2;
            }

            var samples = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(profile)!, "..", "samples"));
            await using var node = await EmbeddedNode.StartAsync(parse.GetValue(dataDir)!, profile, parse.GetValue(verbose), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"node {node.Options.NodeId} on {node.Store.Backend} at {node.Options.DataDirectory}");
            var failures = 0;
            foreach (var pipeline in await node.Store.GetPipelinesAsync(cancellationToken).ConfigureAwait(false))
            {
                var inputPath = Path.Combine(samples, "inputs", pipeline.Id + ".json");
                JsonElement? input = File.Exists(inputPath) ? JsonDocument.Parse(await File.ReadAllTextAsync(inputPath, cancellationToken).ConfigureAwait(false)).RootElement.Clone() : null;
                for (var pass = 1; pass <= 2; pass++)
                {
                    Console.WriteLine();
                    Console.WriteLine($"== {pipeline.Id}, pass {pass}");
                    var result = await node.Pipelines.RunAsync(pipeline, input, cancellationToken).ConfigureAwait(false);
                    if (result.Run is null)
                    {
                        Console.WriteLine(string.Join(Environment.NewLine, result.Errors));
                        failures++;
                        continue;
                    }

                    Console.Write(RunTable.Render(result.Run));
                    failures += result.Run.Status == Abstractions.Pipelines.RunStatus.Succeeded ? 0 : 1;
                }
            }

            Console.WriteLine();
            Console.WriteLine("== budgets now");
            foreach (var policy in await node.Store.GetPoliciesAsync(cancellationToken).ConfigureAwait(false))
            {
                var budget = await node.Grains.GetGrain<IBudgetGovernorGrain>(policy.Scope).GetBudgetAsync(cancellationToken).ConfigureAwait(false);
                foreach (var window in budget.Windows)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{budget.Scope,-30} {window.Window.ToString().ToLowerInvariant(),-6} spent {RunTable.Cents(window.SpentCents),10}¢ of {RunTable.Cents(window.LimitCents),8}¢  {window.PctConsumed:P1}  {window.Status.ToString().ToLowerInvariant()}"));
                }
            }

            return failures == 0 ? 0 : 1;
        });
        return command;
    }
}
