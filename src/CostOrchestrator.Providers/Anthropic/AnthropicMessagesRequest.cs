using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;

namespace CostOrchestrator.Providers.Anthropic;

/// <summary>
/// Builds an Anthropic Messages API body from OpenAI-style inputs: <c>system</c> messages move to the top-level
/// <c>system</c>, a <c>prompt</c> string becomes one user message, <c>stop</c> becomes <c>stop_sequences</c> and
/// <c>max_tokens</c> (which Anthropic requires) defaults as the worst-case estimate does. Fields Anthropic does
/// not know (<c>n</c>, <c>presence_penalty</c>, ...) are dropped rather than sent to fail with a 400.
/// </summary>
internal static class AnthropicMessagesRequest
{
    private static readonly string[] PassThrough = ["temperature", "top_p", "top_k", "stop_sequences", "metadata", "tools", "tool_choice", "thinking"];

    public static (JsonObject? Body, string? Error) Build(ProviderRecord provider, JsonElement source)
    {
        if (source.ValueKind != JsonValueKind.Object)
        {
            return (null, "inputs must be a JSON object");
        }

        var model = provider.Model is { Length: > 0 } m ? m : source.TryGetProperty("model", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString() : null;
        if (model is null)
        {
            return (null, "the provider has no model and the inputs name none");
        }

        var system = new List<string>();
        if (source.TryGetProperty("system", out var topSystem) && topSystem.ValueKind == JsonValueKind.String)
        {
            system.Add(topSystem.GetString()!);
        }

        var messages = new JsonArray();
        if (source.TryGetProperty("messages", out var input))
        {
            if (input.ValueKind != JsonValueKind.Array)
            {
                return (null, "inputs.messages must be a list");
            }

            foreach (var message in input.EnumerateArray())
            {
                var role = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) ? r.GetString() : null;
                var content = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var c) ? c : default;
                switch (role)
                {
                    case "system" or "developer":
                        system.Add(Text(content));
                        break;
                    case "user" or "assistant":
                        messages.Add(new JsonObject { ["role"] = role, ["content"] = JsonNode.Parse(content.ValueKind == JsonValueKind.Undefined ? "\"\"" : content.GetRawText()) });
                        break;
                    default:
                        return (null, $"message role '{role}' is not supported by the anthropic adapter (use system, user or assistant)");
                }
            }
        }
        else if (source.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String)
        {
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = prompt.GetString() });
        }
        else
        {
            return (null, "inputs need 'messages' (a list) or 'prompt' (a string)");
        }

        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = CostEstimator.MaxOutputTokens(provider, source),
            ["messages"] = messages,
        };
        if (system.Count > 0)
        {
            body["system"] = string.Join("\n\n", system);
        }

        foreach (var name in PassThrough)
        {
            if (source.TryGetProperty(name, out var value))
            {
                body[name] = JsonNode.Parse(value.GetRawText());
            }
        }

        if (!body.ContainsKey("stop_sequences") && source.TryGetProperty("stop", out var stop))
        {
            body["stop_sequences"] = stop.ValueKind == JsonValueKind.String ? new JsonArray(stop.GetString()) : JsonNode.Parse(stop.GetRawText());
        }

        return (body, null);
    }

    // OpenAI content is a string or a list of parts; a system prompt keeps the text parts.
    private static string Text(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Concat(content.EnumerateArray()
            .Where(part => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            .Select(part => part.GetProperty("text").GetString())),
        _ => string.Empty,
    };
}
