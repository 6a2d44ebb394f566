using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CostOrchestrator.Abstractions.Serialization;

namespace CostOrchestrator.Client.Http;

/// <summary>A request body kept as bytes, so every retry sends a fresh <see cref="HttpContent"/> with the same payload.</summary>
internal sealed class RequestBody
{
    private readonly byte[] _bytes;
    private readonly string _mediaType;

    private RequestBody(byte[] bytes, string mediaType)
    {
        _bytes = bytes;
        _mediaType = mediaType;
    }

    /// <summary>A value in the wire JSON (<see cref="CostOrchestratorJson.Options"/>).</summary>
    public static RequestBody Json<T>(T value) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, CostOrchestratorJson.Options), "application/json");

    /// <summary>A text document as is (a pipeline in JSON or YAML).</summary>
    public static RequestBody Text(string text, string mediaType) => new(Encoding.UTF8.GetBytes(text), mediaType);

    /// <summary>New content for one attempt.</summary>
    public HttpContent CreateContent()
    {
        var content = new ByteArrayContent(_bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(_mediaType) { CharSet = "utf-8" };
        return content;
    }
}
