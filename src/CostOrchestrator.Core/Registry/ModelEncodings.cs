namespace CostOrchestrator.Core.Registry;

/// <summary>
/// Which OpenAI tiktoken encoding a provider's <c>model</c> uses, by model family. The mapping, first match wins:
/// <list type="bullet">
/// <item><c>o200k_base</c>: <c>gpt-4o</c>, <c>chatgpt-4o</c>, <c>gpt-4.1</c>, <c>gpt-4.5</c>, <c>gpt-5</c>, <c>o1</c>, <c>o3</c>, <c>o4</c>.</item>
/// <item><c>cl100k_base</c>: <c>gpt-4</c>, <c>gpt-3.5</c> (and Azure's <c>gpt-35</c>), <c>text-embedding-3</c>, <c>text-embedding-ada-002</c>.</item>
/// <item>none: every other model (Claude, Llama, Mistral, Gemini, a renamed Azure deployment, no model at all).
/// Those tokenizers are not OpenAI's, so <see cref="TokenCounter"/> estimates high for them instead.</item>
/// </list>
/// A family matches the model name itself or the name followed by <c>-</c>, <c>.</c> or <c>:</c>
/// (<c>gpt-4o-mini-2024-07-18</c>, <c>gpt-5.1</c>), ignoring case, a vendor prefix (<c>openai/gpt-4o</c>) and a
/// fine-tune prefix (<c>ft:gpt-4o-mini:org::id</c>). The families follow tiktoken's own model table.
/// </summary>
public static class ModelEncodings
{
    /// <summary>The encoding of GPT-4o and later OpenAI models.</summary>
    public const string O200kBase = "o200k_base";

    /// <summary>The encoding of GPT-4, GPT-3.5 and the third-generation embedding models.</summary>
    public const string Cl100kBase = "cl100k_base";

    // Ordered so that a longer family is tried before its prefix: gpt-4o and gpt-4.1 before gpt-4.
    private static readonly (string Family, string Encoding)[] _families =
    [
        ("gpt-4o", O200kBase),
        ("chatgpt-4o", O200kBase),
        ("gpt-4.1", O200kBase),
        ("gpt-4.5", O200kBase),
        ("gpt-5", O200kBase),
        ("o1", O200kBase),
        ("o3", O200kBase),
        ("o4", O200kBase),
        ("gpt-4", Cl100kBase),
        ("gpt-3.5", Cl100kBase),
        ("gpt-35", Cl100kBase),
        ("text-embedding-3", Cl100kBase),
        ("text-embedding-ada-002", Cl100kBase),
    ];

    /// <summary>The encoding of <paramref name="model"/>, or null when its tokenizer is not one of OpenAI's.</summary>
    public static string? For(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }

        var name = model.Trim();
        name = name[(name.LastIndexOf('/') + 1)..];
        if (name.StartsWith("ft:", StringComparison.OrdinalIgnoreCase))
        {
            name = name[3..];
        }

        foreach (var (family, encoding) in _families)
        {
            if (name.StartsWith(family, StringComparison.OrdinalIgnoreCase)
                && (name.Length == family.Length || name[family.Length] is '-' or '.' or ':'))
            {
                return encoding;
            }
        }

        return null;
    }
}
