using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CostOrchestrator.Abstractions.Serialization;

namespace CostOrchestrator.Server.Http;

/// <summary>
/// Strict JSON request bodies: malformed JSON, wrong types, unknown fields, missing required fields and
/// oversize bodies each become a 4xx problem naming the field, before anything is done.
/// </summary>
public static partial class JsonBody
{
    private static readonly JsonSerializerOptions _strict = new(CostOrchestratorJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        string text;
        try
        {
            using var reader = new StreamReader(request.Body);
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Of(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "the request body is larger than the node accepts"));
        }

        return Parse<T>(text);
    }

    public static (T? Value, IResult? Problem) Parse<T>(string text) where T : class
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, Problems.Validation("invalid_json", [new Core.Pipelines.FieldError("$", "a JSON body is required")]));
        }

        try
        {
            // Syntax first, so malformed JSON and a well-formed body with a bad field get different codes.
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Validation("invalid_json", [new Core.Pipelines.FieldError("$", $"malformed JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}")]));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(text, _strict);
            return value is null
                ? (null, Problems.Validation("invalid_json", [new Core.Pipelines.FieldError("$", "the body must be a JSON object")]))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var (field, message) = Describe(ex);
            return (null, Problems.Validation("invalid_request", [new Core.Pipelines.FieldError(field, message)]));
        }
    }

    // System.Text.Json says where it failed in Path ($.a.b) and what in Message; turn both into our field names.
    private static (string Field, string Message) Describe(JsonException ex)
    {
        var path = ex.Path is { Length: > 1 } p ? p.TrimStart('$').TrimStart('.') : string.Empty;
        var message = ex.Message;
        if (UnmappedProperty().Match(message) is { Success: true } unmapped)
        {
            var name = unmapped.Groups[1].Value;
            return (path.Length == 0 ? name : path.EndsWith(name, StringComparison.Ordinal) ? path : $"{path}.{name}", "unknown field");
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            var name = missing.Groups[1].Value;
            return (path.Length == 0 ? name : $"{path}.{name}", "is required");
        }

        return (path.Length == 0 ? "$" : path, message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type" : "is invalid");
    }

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex("missing required properties including: '([^']+)'")]
    private static partial Regex MissingRequired();
}
