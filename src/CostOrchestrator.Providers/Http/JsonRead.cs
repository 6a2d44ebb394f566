using System.Text.Json;

namespace CostOrchestrator.Providers.Http;

/// <summary>Tolerant reads of upstream JSON: a missing or mistyped field is absent, never an exception.</summary>
internal static class JsonRead
{
    public static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static JsonElement? Path(JsonElement element, params ReadOnlySpan<string> names)
    {
        JsonElement? current = element;
        foreach (var name in names)
        {
            current = current is { } c ? Property(c, name) : null;
        }

        return current;
    }

    public static long? Long(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var value) && value >= 0 ? value : null;

    public static string? String(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    public static JsonElement? First(JsonElement? array) =>
        array is { ValueKind: JsonValueKind.Array } a && a.GetArrayLength() > 0 ? a[0] : null;
}
