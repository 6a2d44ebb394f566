using System.CommandLine;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Cli.Output;

namespace CostOrchestrator.Cli.Commands;

/// <summary><c>costorch run FILE [--input JSON|@file] [--data-dir DIR] [--config PROFILE] [--json]</c>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = PipelineArguments.File();
        var input = PipelineArguments.Input();
        var dataDir = new Option<string>("--data-dir") { Description = "Embedded store directory.", DefaultValueFactory = _ => "data" };
        var config = new Option<string?>("--config") { Description = "Node profile that seeds an empty store. Default: silo-config/embedded.json." };
        var json = new Option<bool>("--json") { Description = "Print the run record as JSON instead of a table." };
        var verbose = new Option<bool>("--verbose") { Description = "Log what the node does." };
        var command = new Command("run", "Run a pipeline on an embedded node, showing each step as it starts and ends, and print its cost per step.") { file, input, dataDir, config, json, verbose };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await PipelineArguments.ReadAsync(parse, file, input).ConfigureAwait(false) is not { } read)
            {
                return 2;
            }

            var (path, runInput) = read;

            await using var node = await EmbeddedNode.StartAsync(parse.GetValue(dataDir)!, parse.GetValue(config), parse.GetValue(verbose), cancellationToken).ConfigureAwait(false);
            var parsed = await node.Pipelines.ParseAsync(await File.ReadAllTextAsync(path.FullName, cancellationToken).ConfigureAwait(false), Path.GetFileNameWithoutExtension(path.Name), cancellationToken).ConfigureAwait(false);
            if (!parsed.IsValid)
            {
                foreach (var error in parsed.Errors)
                {
                    await Console.Error.WriteLineAsync($"{path.Name}: {error}").ConfigureAwait(false);
                }

                return 2;
            }

            var submitted = await node.Pipelines.SubmitAsync(parsed.Pipeline!, runInput, runId: null, cancellationToken).ConfigureAwait(false);
            if (submitted.Run is null)
            {
                foreach (var error in submitted.Errors)
                {
                    await Console.Error.WriteLineAsync($"{path.Name}: {error}").ConfigureAwait(false);
                }

                return 2;
            }

            var run = await RunProgress.FollowAsync(node.Grains.GetGrain<IPipelineRunGrain>(submitted.Run.RunId), RunProgress.ModeFor(parse.GetValue(json)), cancellationToken).ConfigureAwait(false)
                ?? submitted.Run;
            Console.Write(parse.GetValue(json) ? JsonSerializer.Serialize(run, CostOrchestratorJson.Indented) + Environment.NewLine : RunTable.Render(run));
            return run.Status == RunStatus.Succeeded ? 0 : 1;
        });
        return command;
    }
}
