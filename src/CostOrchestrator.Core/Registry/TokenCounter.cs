using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace CostOrchestrator.Core.Registry;

/// <summary>
/// Counts the input tokens a call will be billed for, which the worst-case reservation is made of.
/// For a model whose encoding <see cref="ModelEncodings"/> knows, text is counted exactly with that tiktoken
/// encoding and chat messages as OpenAI's chat format bills them, so the reservation is the real count.
/// For any other model the count is an estimate that errs high: per string, the larger of
/// <see cref="TokenEstimator.ForText"/> (one token per three UTF-8 bytes, above every tokenizer we know on
/// English) and the <c>cl100k_base</c> count (above the byte estimate on Hindi, Korean, Thai, emoji and symbols,
/// where one token covers fewer than three bytes), plus a token more per message than OpenAI's format.
/// Not counted, for any model: tool definitions and images, which the upstream bills beyond their text.
/// Thread-safe; each tokenizer is built once per process, on first use.
/// </summary>
public static class TokenCounter
{
    // OpenAI's chat format as its cookbook ("How to count tokens with tiktoken") counts it for gpt-3.5-turbo-0613,
    // gpt-4 and gpt-4o(-mini): 3 tokens per message (<|start|>{role}<|message|>...<|end|> around the role and
    // content, which are counted as text), 1 more when the message has a name, and 3 that prime the reply
    // (<|start|>assistant<|message|>).
    private const int TokensPerMessage = 3;
    private const int TokensPerName = 1;
    private const int ReplyPrimingTokens = 3;

    // An unknown chat format: gpt-3.5-turbo-0301's 4 tokens per message, the largest OpenAI has used.
    private const int UnknownTokensPerMessage = 4;

    // Building a tokenizer decompresses and parses its vocabulary (about a second each), so each is built once, on
    // first use. Counting is thread-safe: the only state a tokenizer changes is its cache of merged words, which the
    // library locks.
    private static readonly Lazy<TiktokenTokenizer> _o200k = new(() => TiktokenTokenizer.CreateForEncoding(ModelEncodings.O200kBase));
    private static readonly Lazy<TiktokenTokenizer> _cl100k = new(() => TiktokenTokenizer.CreateForEncoding(ModelEncodings.Cl100kBase));

    /// <summary>
    /// Input tokens of a call's inputs on <paramref name="model"/>: chat <c>messages</c>, else a <c>prompt</c>
    /// (sent as one user message), else every string in the inputs. A top-level <c>system</c> string next to
    /// messages or a prompt (which the Anthropic adapter sends) counts as one more message.
    /// </summary>
    /// <param name="model">The provider's upstream model (<see cref="Abstractions.Registry.ProviderRecord.Model"/>); null when it has none.</param>
    /// <param name="inputs">The call's inputs.</param>
    public static long CountInputTokens(string? model, JsonElement? inputs)
    {
        if (inputs is not { ValueKind: JsonValueKind.Object } obj)
        {
            return 0;
        }

        var tokenizer = TokenizerFor(model);
        var perMessage = tokenizer is null ? UnknownTokensPerMessage : TokensPerMessage;
        long total;
        if (obj.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            total = ReplyPrimingTokens;
            foreach (var message in messages.EnumerateArray())
            {
                total += perMessage + CountStrings(tokenizer, message);
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("name", out _))
                {
                    total += TokensPerName;
                }
            }
        }
        else if (obj.TryGetProperty("prompt", out var prompt))
        {
            // The chat adapters send a prompt as one user message, and are billed for that message's format.
            total = ReplyPrimingTokens + perMessage + CountText(tokenizer, "user") + CountStrings(tokenizer, prompt);
        }
        else
        {
            return CountStrings(tokenizer, obj);
        }

        if (obj.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String)
        {
            total += perMessage + CountText(tokenizer, "system") + CountText(tokenizer, system.GetString()!);
        }

        return total;
    }

    /// <summary>Tokens of one string on <paramref name="model"/>: exact for a known encoding, else an estimate that errs high.</summary>
    /// <param name="model">The provider's upstream model; null when it has none.</param>
    /// <param name="text">The text.</param>
    public static long CountText(string? model, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return CountText(TokenizerFor(model), text);
    }

    private static TiktokenTokenizer? TokenizerFor(string? model) => ModelEncodings.For(model) switch
    {
        ModelEncodings.O200kBase => _o200k.Value,
        ModelEncodings.Cl100kBase => _cl100k.Value,
        _ => null,
    };

    private static long CountStrings(TiktokenTokenizer? tokenizer, JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => CountText(tokenizer, element.GetString()!),
        JsonValueKind.Array => element.EnumerateArray().Sum(e => CountStrings(tokenizer, e)),
        JsonValueKind.Object => element.EnumerateObject().Sum(p => CountStrings(tokenizer, p.Value)),
        _ => 0,
    };

    private static long CountText(TiktokenTokenizer? tokenizer, string text) => tokenizer is null
        ? Math.Max(TokenEstimator.ForText(text), CountOrdinary(_cl100k.Value, text))
        : CountOrdinary(tokenizer, text);

    // The API encodes a caller's text as ordinary text, but the library reads a literal special token such as
    // <|endoftext|> as that one token. Each literal is counted at one token per character instead (they are ASCII,
    // and a token covers at least one byte), which is at least what its ordinary encoding takes.
    private static long CountOrdinary(TiktokenTokenizer tokenizer, string text)
    {
        long count = tokenizer.CountTokens(text);
        if (!text.Contains("<|", StringComparison.Ordinal) || tokenizer.SpecialTokens is not { } specials)
        {
            return count;
        }

        foreach (var special in specials.Keys)
        {
            for (var at = text.IndexOf(special, StringComparison.Ordinal); at >= 0; at = text.IndexOf(special, at + special.Length, StringComparison.Ordinal))
            {
                count += special.Length - 1;
            }
        }

        return count;
    }
}
