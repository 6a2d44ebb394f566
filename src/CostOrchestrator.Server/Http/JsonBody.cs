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
        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Of(ErrorCodes.PayloadTooLarge, "the request body is larger than the node accepts"));
        }

        return Parse<T>(bytes);
    }

    /// <summary>
    /// The first JSON string (name or value) that is not valid UTF-8 or contains U+0000, with its path
    /// (<c>chain[1]</c>, <c>idempotency_key</c>); null when every string is fine. Throws <see cref="JsonException"/>
    /// where the body is not JSON.
    /// </summary>
    public static (string Field, string Message)? BadString(ReadOnlySpan<byte> utf8)
    {
        var path = new List<(string? Property, int Index, bool Array)>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    Advance(path);
                    path.Add((null, -1, reader.TokenType == JsonTokenType.StartArray));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    path.RemoveAt(path.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    var name = Text(ref reader);
                    if (name is null || name.Contains('\0', StringComparison.Ordinal))
                    {
                        return (Path(path, "(a field name)"), name is null ? "is not valid UTF-8" : "must not contain U+0000");
                    }

                    path[^1] = (name, -1, false);
                    break;
                case JsonTokenType.String:
                    Advance(path);
                    var value = Text(ref reader);
                    if (value is null || value.Contains('\0', StringComparison.Ordinal))
                    {
                        return (Path(path, null), value is null ? "is not valid UTF-8" : "must not contain U+0000");
                    }

                    break;
                default:
                    Advance(path);
                    break;
            }
        }

        return null;

        static string? Text(ref Utf8JsonReader reader)
        {
            try
            {
                return reader.GetString();
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        // A value in an array moves the array's index on.
        static void Advance(List<(string? Property, int Index, bool Array)> path)
        {
            if (path.Count > 0 && path[^1].Array)
            {
                path[^1] = (null, path[^1].Index + 1, true);
            }
        }

        static string Path(List<(string? Property, int Index, bool Array)> path, string? last)
        {
            var text = new System.Text.StringBuilder();
            foreach (var (property, index, array) in path)
            {
                if (array)
                {
                    text.Append('[').Append(index).Append(']');
                }
                else if (property is not null)
                {
                    text.Append(text.Length == 0 ? string.Empty : ".").Append(property);
                }
            }

            return last is null ? (text.Length == 0 ? "$" : text.ToString()) : (text.Length == 0 ? last : $"{text}.{last}");
        }
    }

    /// <summary>
    /// Parses a body in two passes: one reader pass for syntax and for every string (decoding would turn invalid bytes
    /// into U+FFFD, so two different keys could arrive as one; PostgreSQL cannot store U+0000 where SQLite can), then
    /// the strict deserialization that names unknown, missing and mistyped fields.
    /// </summary>
    public static (T? Value, IResult? Problem) Parse<T>(ReadOnlySpan<byte> utf8) where T : class
    {
        if (utf8.IsEmpty || utf8.TrimStart(" \t\r\n"u8).IsEmpty)
        {
            return (null, Problems.Validation(ErrorCodes.InvalidJson, [new Core.Pipelines.FieldError("$", "a JSON body is required")]));
        }

        try
        {
            if (BadString(utf8) is { } bad)
            {
                return (null, Problems.Validation(ErrorCodes.InvalidRequest, [new Core.Pipelines.FieldError(bad.Field, bad.Message)]));
            }
        }
        catch (JsonException ex)
        {
            // Syntax first, so malformed JSON and a well-formed body with a bad field get different codes.
            return (null, Problems.Validation(ErrorCodes.InvalidJson, [new Core.Pipelines.FieldError("$", $"malformed JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}")]));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(utf8, _strict);
            return value is null
                ? (null, Problems.Validation(ErrorCodes.InvalidJson, [new Core.Pipelines.FieldError("$", "the body must be a JSON object")]))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var (field, message) = Describe(ex);
            return (null, Problems.Validation(ErrorCodes.InvalidRequest, [new Core.Pipelines.FieldError(field, message)]));
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
