using System.Text.Json;
using System.Text.Json.Serialization;

namespace CostOrchestrator.Abstractions.Serialization;

/// <summary>
/// The one JSON shape used on the wire, in files and in the store: snake_case names, enums as
/// lower-case strings, nulls omitted.
/// </summary>
public static class CostOrchestratorJson
{
    /// <summary>Options for reading and writing every contract type.</summary>
    public static JsonSerializerOptions Options { get; } = Create(writeIndented: false);

    /// <summary>The same options, indented for humans (CLI output, samples).</summary>
    public static JsonSerializerOptions Indented { get; } = Create(writeIndented: true);

    private static JsonSerializerOptions Create(bool writeIndented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = writeIndented,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
