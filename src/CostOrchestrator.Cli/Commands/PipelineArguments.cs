using System.CommandLine;
using System.Text.Json;

namespace CostOrchestrator.Cli.Commands;

/// <summary>The pipeline file argument and <c>--input</c> option that <c>run</c>, <c>submit</c> and <c>explain</c> share.</summary>
internal static class PipelineArguments
{
    public static Argument<FileInfo> File() => new("file") { Description = "Pipeline file: JSON, or the short YAML form." };

    public static Option<string?> Input() => new("--input") { Description = "Run input as inline JSON, or @path to a JSON file." };

    /// <summary>The pipeline file and the run input; null once what is wrong with either was printed (the command exits 2).</summary>
    public static async Task<(FileInfo Path, JsonElement? Input)?> ReadAsync(ParseResult parse, Argument<FileInfo> file, Option<string?> input)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var path = parse.GetValue(file)!;
        if (!path.Exists)
        {
            await Console.Error.WriteLineAsync($"file: '{path.FullName}' not found").ConfigureAwait(false);
            return null;
        }

        var (runInput, inputError) = InputArgument.Read(parse.GetValue(input));
        if (inputError is not null)
        {
            await Console.Error.WriteLineAsync(inputError).ConfigureAwait(false);
            return null;
        }

        return (path, runInput);
    }
}
