using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CostOrchestrator.Core.Caching;

/// <summary>
/// Content address of an invocation: SHA-256 of the capability and the canonical JSON of its inputs
/// (object keys sorted ordinally, no whitespace), so key order and formatting never cause a miss.
/// </summary>
public static class CacheKey
{
    /// <summary>The lower-case hex key.</summary>
    public static string For(string capability, JsonElement? inputs)
    {
        ArgumentNullException.ThrowIfNull(capability);
        var canonical = Canonicalize(inputs);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(capability + ":" + canonical));
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Canonical JSON text.</summary>
    public static string Canonicalize(JsonElement? element)
    {
        if (element is null)
        {
            return "null";
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, element.Value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
