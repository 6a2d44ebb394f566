using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Providers.OpenAi;

/// <summary>
/// Builds the body of an OpenAI chat completions request from a step's inputs or a caller's request: every
/// field passes through (<c>max_tokens</c>, <c>temperature</c>, <c>tools</c>, ...), a <c>prompt</c> string
/// becomes one user message, <c>model</c> is the provider's. Streaming always asks for usage, which is what
/// the call is charged by.
/// </summary>
internal static class OpenAiChatRequest
{
    public static (JsonObject? Body, string? Error) Build(ProviderRecord provider, JsonElement source, bool stream)
    {
        if (source.ValueKind != JsonValueKind.Object)
        {
            return (null, "inputs must be a JSON object");
        }

        var body = JsonNode.Parse(source.GetRawText())!.AsObject();
        var prompt = body["prompt"];
        body.Remove("prompt");
        if (body["messages"] is null)
        {
            if (prompt?.GetValueKind() != JsonValueKind.String)
            {
                return (null, "inputs need 'messages' (a list) or 'prompt' (a string)");
            }

            body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt.GetValue<string>() });
        }
        else if (body["messages"]!.GetValueKind() != JsonValueKind.Array)
        {
            return (null, "inputs.messages must be a list");
        }

        if (provider.Model is { Length: > 0 } model)
        {
            body["model"] = model;
        }
        else if (body["model"]?.GetValueKind() != JsonValueKind.String)
        {
            return (null, "the provider has no model and the request names none");
        }

        if (stream)
        {
            body["stream"] = true;
            var options = body["stream_options"] as JsonObject ?? [];
            options["include_usage"] = true;
            body["stream_options"] = options;
        }
        else
        {
            body.Remove("stream");
            body.Remove("stream_options");
        }

        return (body, null);
    }
}
