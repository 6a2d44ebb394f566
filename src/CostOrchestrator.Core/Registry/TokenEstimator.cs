using System.Text;
using System.Text.Json;

namespace CostOrchestrator.Core.Registry;

/// <summary>
/// Counts input tokens for worst-case estimates without a tokenizer (none restores here). It errs high
/// on purpose: one token per three UTF-8 bytes plus four per chat message, where real BPE tokenizers
/// average about four bytes per token on English. A worst case that is too low shows up as drift.
/// </summary>
public static class TokenEstimator
{
    /// <summary>Estimated input tokens of a step's inputs: chat <c>messages</c>, else <c>prompt</c>, else all strings.</summary>
    public static long CountInputTokens(JsonElement? inputs)
    {
        if (inputs is not { ValueKind: JsonValueKind.Object } obj)
        {
            return 0;
        }

        if (obj.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            long total = 3;
            foreach (var message in messages.EnumerateArray())
            {
                total += 4 + CountText(message);
            }

            return total;
        }

        return obj.TryGetProperty("prompt", out var prompt) ? CountText(prompt) : CountText(obj);
    }

    /// <summary>Tokens of every string in an element.</summary>
    public static long CountText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => ForText(element.GetString()!),
        JsonValueKind.Array => element.EnumerateArray().Sum(CountText),
        JsonValueKind.Object => element.EnumerateObject().Sum(p => CountText(p.Value)),
        _ => 0,
    };

    /// <summary>Tokens of one string.</summary>
    public static long ForText(string text) => (Encoding.UTF8.GetByteCount(text) + 2) / 3;
}
