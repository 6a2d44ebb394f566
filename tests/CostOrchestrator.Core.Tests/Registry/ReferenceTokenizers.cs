using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace CostOrchestrator.Core.Tests.Registry;

/// <summary>
/// The expected counts, from the library's own model table (<see cref="TiktokenTokenizer.CreateForModel(string, IReadOnlyDictionary{string, int}?, Normalizer?)"/>)
/// rather than from our mapping, so a wrong mapping fails the tests.
/// </summary>
internal static class ReferenceTokenizers
{
    private static readonly ConcurrentDictionary<string, TiktokenTokenizer> _byModel = new(StringComparer.Ordinal);

    public static TiktokenTokenizer For(string model) => _byModel.GetOrAdd(model, m => TiktokenTokenizer.CreateForModel(m));

    public static int Count(string model, string text) => For(model).CountTokens(text);

    /// <summary>OpenAI's chat format per its cookbook: 3 per message, the role and content as text, 1 more per name, 3 priming the reply.</summary>
    public static int CountChat(string model, params (string Role, string Content, string? Name)[] messages) =>
        3 + messages.Sum(m => 3 + Count(model, m.Role) + Count(model, m.Content) + (m.Name is null ? 0 : 1 + Count(model, m.Name)));
}
