using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Cli.Output;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Cli.Commands;

/// <summary><c>costorch submit</c>, <c>costorch runs show</c>, <c>costorch budgets</c>: the same tables, against a running node.</summary>
internal static class RemoteCommands
{
    public static Command Submit()
    {
        var file = PipelineArguments.File();
        var input = PipelineArguments.Input();
        var noWait = new Option<bool>("--no-wait") { Description = "Return as soon as the node accepted the run." };
        var json = new Option<bool>("--json") { Description = "Print the run record as JSON." };
        var node = NodeConnection.Node();
        var token = NodeConnection.Token();
        var command = new Command("submit", "Submit a pipeline to a running node, show each step as it starts and ends, and print its cost per step.") { file, input, noWait, json, node, token };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"file: '{path.FullName}' not found").ConfigureAwait(false);
                return 2;
            }

            var (runInput, inputError) = InputArgument.Read(parse.GetValue(input));
            var parsed = PipelineParser.Parse(await File.ReadAllTextAsync(path.FullName, ct).ConfigureAwait(false), new PipelineParseOptions { DefaultId = Path.GetFileNameWithoutExtension(path.Name) });
            foreach (var error in (inputError is null ? [] : new[] { inputError }).Concat(parsed.Errors.Select(e => $"{path.Name}: {e}")))
            {
                await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            }

            if (inputError is not null || !parsed.IsValid)
            {
                return 2;
            }

            return await NodeConnection.CallAsync(parse.GetValue(node)!, parse.GetValue(token), async client =>
            {
                var run = await client.SubmitRunAsync(parsed.Pipeline!, runInput, wait: false, ct).ConfigureAwait(false);
                if (!parse.GetValue(noWait))
                {
                    run = await RunProgress.FollowAsync(client.GetGrain<IPipelineRunGrain>(run.RunId), RunProgress.ModeFor(parse.GetValue(json)), ct).ConfigureAwait(false) ?? run;
                }

                Print(run, parse.GetValue(json));
                return run.Status is RunStatus.Succeeded or RunStatus.Pending or RunStatus.Running ? 0 : 1;
            }).ConfigureAwait(false);
        });
        return command;
    }

    public static Command Runs()
    {
        var id = new Argument<string>("run-id") { Description = "The run id (run_...)." };
        var json = new Option<bool>("--json") { Description = "Print the run record as JSON." };
        var node = NodeConnection.Node();
        var token = NodeConnection.Token();
        var show = new Command("show", "Show a run's steps, costs and status.") { id, json, node, token };
        show.SetAction(async (parse, ct) => await NodeConnection.CallAsync(parse.GetValue(node)!, parse.GetValue(token), async client =>
        {
            var run = await client.GetGrain<IPipelineRunGrain>(parse.GetValue(id)!).GetAsync(ct).ConfigureAwait(false);
            if (run is null)
            {
                await Console.Error.WriteLineAsync($"run '{parse.GetValue(id)}' not found").ConfigureAwait(false);
                return 1;
            }

            Print(run, parse.GetValue(json));
            return 0;
        }).ConfigureAwait(false));
        return new Command("runs", "Runs on a node.") { show };
    }

    public static Command Budgets()
    {
        var node = NodeConnection.Node();
        var token = NodeConnection.Token();
        var command = new Command("budgets", "Every budget the token may read, tightest first.") { node, token };
        command.SetAction(async (parse, ct) => await NodeConnection.CallAsync(parse.GetValue(node)!, parse.GetValue(token), async client =>
        {
            foreach (var budget in await client.ListBudgetsAsync(ct).ConfigureAwait(false))
            {
                foreach (var window in budget.Windows)
                {
                    // The forecast: where the window ends at its burn rate, and when it runs out if it will before it resets.
                    var forecast = window.ExhaustsAt is { } exhausts
                        ? string.Create(CultureInfo.InvariantCulture, $"  projected {RunTable.Cents(window.ProjectedCents)}¢ at {RunTable.Cents(window.BurnRateCentsPerHour)}¢/h, exhausted at {exhausts.UtcDateTime:yyyy-MM-dd HH:mm}Z")
                        : $"  projected {RunTable.Cents(window.ProjectedCents)}¢ at {RunTable.Cents(window.BurnRateCentsPerHour)}¢/h";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{budget.Scope,-30} {window.Window.ToString().ToLowerInvariant(),-6} spent {RunTable.Cents(window.SpentCents),10}¢ reserved {RunTable.Cents(window.ReservedCents),8}¢ of {RunTable.Cents(window.LimitCents),9}¢  {window.PctConsumed:P1}  {window.Status.ToString().ToLowerInvariant()}{forecast}"));
                }
            }

            return 0;
        }).ConfigureAwait(false));
        return command;
    }

    private static void Print(RunRecord run, bool json) =>
        Console.Write(json ? JsonSerializer.Serialize(run, CostOrchestratorJson.Indented) + Environment.NewLine : RunTable.Render(run));
}
