using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CostOrchestrator.Core.Pipelines;

/// <summary>
/// <c>{{ path }}</c> templates. A string that is exactly one template takes the referenced value with
/// its JSON type (a list stays a list); a template inside longer text is interpolated as text.
/// Paths: <c>input.a.b</c>, <c>steps.name.result.a</c>, <c>item.a</c>, <c>index</c>; numeric segments index lists.
/// </summary>
public static partial class TemplateEngine
{
    /// <summary>The template expressions in a string, trimmed.</summary>
    public static IEnumerable<string> References(string text) =>
        TemplatePattern().Matches(text).Select(m => m.Groups[1].Value.Trim());

    /// <summary>Renders every string in <paramref name="template"/>; the error names the path that did not resolve.</summary>
    public static (JsonElement? Value, string? Error) Render(JsonElement? template, TemplateContext context)
    {
        if (template is null)
        {
            return (null, null);
        }

        try
        {
            var node = RenderNode(template.Value, context);
            return (JsonSerializer.SerializeToElement(node), null);
        }
        catch (TemplateResolutionException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>Renders one template string.</summary>
    public static (JsonElement? Value, string? Error) RenderString(string template, TemplateContext context) =>
        Render(JsonSerializer.SerializeToElement(template), context);

    private static JsonNode? RenderNode(JsonElement element, TemplateContext context)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = RenderNode(property.Value, context);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(RenderNode(item, context));
                }

                return array;
            case JsonValueKind.String:
                return RenderText(element.GetString()!, context);
            default:
                return JsonNode.Parse(element.GetRawText());
        }
    }

    private static JsonNode? RenderText(string text, TemplateContext context)
    {
        var matches = TemplatePattern().Matches(text);
        if (matches.Count == 0)
        {
            return JsonValue.Create(text);
        }

        if (matches.Count == 1 && matches[0].Length == text.Length)
        {
            var whole = Resolve(matches[0].Groups[1].Value.Trim(), context);
            return whole is null ? null : JsonNode.Parse(whole.Value.GetRawText());
        }

        var builder = new StringBuilder();
        var last = 0;
        foreach (Match match in matches)
        {
            builder.Append(text, last, match.Index - last);
            var value = Resolve(match.Groups[1].Value.Trim(), context);
            builder.Append(value switch
            {
                null => string.Empty,
                { ValueKind: JsonValueKind.String } s => s.GetString(),
                { ValueKind: JsonValueKind.Null } => string.Empty,
                var other => other.Value.GetRawText(),
            });
            last = match.Index + match.Length;
        }

        builder.Append(text, last, text.Length - last);
        return JsonValue.Create(builder.ToString());
    }

    private static JsonElement? Resolve(string path, TemplateContext context)
    {
        var segments = path.Split('.');
        JsonElement current;
        int next;
        switch (segments[0])
        {
            case "input":
                current = context.Input ?? throw new TemplateResolutionException($"{path}: the run has no input");
                next = 1;
                break;
            case "item":
                current = context.Item ?? throw new TemplateResolutionException($"{path}: only valid inside for_each");
                next = 1;
                break;
            case "index":
                return context.Index is { } index
                    ? JsonSerializer.SerializeToElement(index)
                    : throw new TemplateResolutionException($"{path}: only valid inside for_each");
            case "steps" when segments.Length >= 3 && segments[2] == "result":
                if (!context.StepResults.TryGetValue(segments[1], out current))
                {
                    throw new TemplateResolutionException($"{path}: step '{segments[1]}' has no result yet");
                }

                next = 3;
                break;
            default:
                throw new TemplateResolutionException($"{path}: expected input.*, steps.<name>.result.*, item.* or index");
        }

        for (var i = next; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var at)
                && at < current.GetArrayLength())
            {
                current = current[at];
            }
            else
            {
                throw new TemplateResolutionException($"{path}: '{segment}' not found");
            }
        }

        return current;
    }

    [GeneratedRegex(@"\{\{\s*([^{}]+?)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex TemplatePattern();

    private sealed class TemplateResolutionException(string message) : Exception(message);
}
