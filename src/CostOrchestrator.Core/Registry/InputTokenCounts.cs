using System.Text.Json;

namespace CostOrchestrator.Core.Registry;

/// <summary>
/// One call's input tokens, counted once per encoding: a count depends on the model only through its encoding
/// (<see cref="ModelEncodings.For"/>; every unknown model shares the estimate), so a route that prices several
/// candidates tokenizes the prompt once per encoding, not once per candidate. Not thread-safe: one per route.
/// </summary>
public sealed class InputTokenCounts(JsonElement? inputs)
{
    private readonly Dictionary<string, long> _byEncoding = new(StringComparer.Ordinal);

    /// <summary>The input tokens on <paramref name="model"/>, as <see cref="TokenCounter.CountInputTokens"/> counts them.</summary>
    public long For(string? model)
    {
        var encoding = ModelEncodings.For(model) ?? string.Empty;
        if (!_byEncoding.TryGetValue(encoding, out var count))
        {
            count = TokenCounter.CountInputTokens(model, inputs);
            _byEncoding[encoding] = count;
        }

        return count;
    }
}
