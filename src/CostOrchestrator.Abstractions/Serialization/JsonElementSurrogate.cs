using System.Text.Json;

namespace CostOrchestrator.Abstractions.Serialization;

/// <summary>
/// How a <see cref="JsonElement"/> (pipeline inputs, step results) crosses a grain boundary: as its raw JSON
/// text. Orleans has no codec of its own for it.
/// </summary>
[GenerateSerializer, Alias("costorch.JsonElement")]
public readonly record struct JsonElementSurrogate
{
    /// <summary>The element's raw JSON text.</summary>
    [Id(0)]
    public required string Json { get; init; }
}

/// <summary>Converts <see cref="JsonElement"/> to and from <see cref="JsonElementSurrogate"/> for Orleans.</summary>
[RegisterConverter]
public sealed class JsonElementSurrogateConverter : IConverter<JsonElement, JsonElementSurrogate>
{
    /// <inheritdoc />
    public JsonElement ConvertFromSurrogate(in JsonElementSurrogate surrogate)
    {
        using var document = JsonDocument.Parse(surrogate.Json);
        return document.RootElement.Clone();
    }

    /// <inheritdoc />
    public JsonElementSurrogate ConvertToSurrogate(in JsonElement value) => new() { Json = value.GetRawText() };
}
