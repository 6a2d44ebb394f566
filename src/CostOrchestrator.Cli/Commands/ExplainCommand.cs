using System.CommandLine;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Cli.Output;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Grains.Pipelines;
using Microsoft.Extensions.DependencyInjection;

namespace CostOrchestrator.Cli.Commands;

/// <summary>
/// <c>costorch explain FILE [--input JSON|@file] [--json] [--node URL] [--token T] | [--data-dir DIR] [--config PROFILE]</c>:
/// what a run would cost now, without running it, on a running node or, with <c>--data-dir</c>, an embedded one.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var file = PipelineArguments.File();
        var input = PipelineArguments.Input();
        var json = new Option<bool>("--json") { Description = "Print the explanation as JSON instead of a table." };
        var node = NodeConnection.Node();
        var token = NodeConnection.Token();
        var dataDir = new Option<string?>("--data-dir") { Description = "Explain on an embedded node on this store (what `costorch run` would do) instead of a running node." };
        var config = new Option<string?>("--config") { Description = "With --data-dir: the node profile that seeds an empty store. Default: silo-config/embedded.json." };
        var command = new Command("explain",
            "Forecast a run without running it: per step the provider chosen now, expected and worst-case cost, cached items, and whether it fits every budget. Exits 1 when it does not fit.")
        {
            file, input, json, node, token, dataDir, config,
        };
        command.Validators.Add(result =>
        {
            // A node's budgets and cache are its own: one forecast is of one node, not of two.
            if (result.GetResult(dataDir) is not null && (result.GetResult(node) is { Implicit: false } || result.GetResult(token) is { Implicit: false }))
            {
                result.AddError("--data-dir explains on an embedded node: leave out --node and --token");
            }

            if (result.GetResult(config) is not null && result.GetResult(dataDir) is null)
            {
                result.AddError("--config seeds an embedded node: it needs --data-dir");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            if (await PipelineArguments.ReadAsync(parse, file, input).ConfigureAwait(false) is not { } read)
            {
                return 2;
            }

            var (path, runInput) = read;

            var document = await File.ReadAllTextAsync(path.FullName, ct).ConfigureAwait(false);
            var defaultId = Path.GetFileNameWithoutExtension(path.Name);
            if (parse.GetValue(dataDir) is { } directory)
            {
                await using var embedded = await EmbeddedNode.StartAsync(directory, parse.GetValue(config), verbose: false, ct).ConfigureAwait(false);
                var parsed = await embedded.Pipelines.ParseAsync(document, defaultId, ct).ConfigureAwait(false);
                var errors = parsed.IsValid ? PipelineParser.ValidateInput(parsed.Pipeline!, runInput) : parsed.Errors;
                if (errors.Count > 0)
                {
                    await PrintErrorsAsync(path, errors).ConfigureAwait(false);
                    return 2;
                }

                var explainer = embedded.Services.GetRequiredService<PipelineExplainer>();
                return Print(await explainer.ExplainAsync(parsed.Pipeline!, runInput, ct).ConfigureAwait(false), parse.GetValue(json));
            }

            // Parsed here first so a malformed file is reported with its name before any node is asked.
            var local = PipelineParser.Parse(document, new PipelineParseOptions { DefaultId = defaultId });
            if (!local.IsValid)
            {
                await PrintErrorsAsync(path, local.Errors).ConfigureAwait(false);
                return 2;
            }

            return await NodeConnection.CallAsync(parse.GetValue(node)!, parse.GetValue(token), async client =>
                Print(await client.ExplainAsync(local.Pipeline!, runInput, ct).ConfigureAwait(false), parse.GetValue(json))).ConfigureAwait(false);
        });
        return command;
    }

    // Exit 1 when a run would not fit: a script can ask before it submits.
    private static int Print(PipelineExplanation explanation, bool json)
    {
        Console.Write(json ? JsonSerializer.Serialize(explanation, CostOrchestratorJson.Indented) + Environment.NewLine : ExplanationTable.Render(explanation));
        return explanation.Fits ? 0 : 1;
    }

    private static async Task PrintErrorsAsync(FileInfo path, IReadOnlyList<FieldError> errors)
    {
        foreach (var error in errors)
        {
            await Console.Error.WriteLineAsync($"{path.Name}: {error}").ConfigureAwait(false);
        }
    }
}
