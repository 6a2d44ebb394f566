using System.Text.Json;

namespace CostOrchestrator.Cli.Commands;

/// <summary>Reads <c>--input</c>: inline JSON, or <c>@path</c> to a JSON file.</summary>
internal static class InputArgument
{
    public static (JsonElement? Input, string? Error) Read(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, null);
        }

        string text;
        if (value.StartsWith('@'))
        {
            var path = value[1..];
            if (!File.Exists(path))
            {
                return (null, $"--input: file '{path}' not found");
            }

            text = File.ReadAllText(path);
        }
        else
        {
            text = value;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (null, $"--input: malformed JSON ({ex.Message})");
        }
    }
}
