using System.Text;
using System.Text.Json;

namespace CostOrchestrator.Core.Registry;

/// <summary>
/// Estimates tokens without knowing the tokenizer, erring high: one token per three UTF-8 bytes, where OpenAI's
/// encodings average about four bytes per token on English. <see cref="TokenCounter"/> uses it for models whose
/// encoding is unknown; a stream's output is estimated with it when the upstream reported no usage.
/// </summary>
public static class TokenEstimator
{
    /// <summary>
    /// Input tokens of a call's inputs when the model is not known: <see cref="TokenCounter.CountInputTokens"/>
    /// without a model (chat <c>messages</c>, else <c>prompt</c>, else all strings).
    /// </summary>
    public static long CountInputTokens(JsonElement? inputs) => TokenCounter.CountInputTokens(model: null, inputs);

    /// <summary>Estimated tokens of one string.</summary>
    public static long ForText(string text) => (Encoding.UTF8.GetByteCount(text) + 2) / 3;
}
