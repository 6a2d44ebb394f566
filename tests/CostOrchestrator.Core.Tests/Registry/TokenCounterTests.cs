using System.Text.Json;
using CostOrchestrator.Core.Registry;

namespace CostOrchestrator.Core.Tests.Registry;

public sealed class TokenCounterTests
{
    private const string English = "Budgets are enforced before any provider is called, so the reservation must cover the real bill.";

    // English, Hindi, Korean, Thai, emoji, symbols: the last five take more than one token per three bytes.
    public static TheoryData<string> Texts =>
    [
        English,
        "नमस्ते दुनिया, आप कैसे हैं?",
        "안녕하세요 세계",
        "สวัสดีชาวโลก",
        "😀😃😄😁😆",
        "!@#$%^&*()_+{}|:\"<>?",
    ];

    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    [Fact]
    public void CountText_KnownStrings_AreTheirPublishedCounts()
    {
        Assert.Equal(4, TokenCounter.CountText("gpt-4o", "Hello, world!"));
        Assert.Equal(4, TokenCounter.CountText("gpt-4", "Hello, world!"));
        Assert.Equal(10, TokenCounter.CountText("gpt-4o-mini", "The quick brown fox jumps over the lazy dog."));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void CountText_KnownModel_EqualsTheTokenizersCount(string text)
    {
        Assert.Equal(ReferenceTokenizers.Count("gpt-4o", text), TokenCounter.CountText("gpt-4o", text));
        Assert.Equal(ReferenceTokenizers.Count("gpt-4", text), TokenCounter.CountText("gpt-4", text));
    }

    [Fact]
    public void CountInputTokens_ChatMessages_IsTheChatFormatCount()
    {
        var inputs = Json(new
        {
            messages = new object[]
            {
                new { role = "system", content = "You are a helpful assistant." },
                new { role = "user", content = English, name = "alice" },
            },
            max_tokens = 100,
        });

        var expected = ReferenceTokenizers.CountChat("gpt-4o-mini", ("system", "You are a helpful assistant.", null), ("user", English, "alice"));

        Assert.Equal(expected, TokenCounter.CountInputTokens("gpt-4o-mini", inputs));
    }

    [Fact]
    public void CountInputTokens_ApiReferenceExample_IsThePromptTokensItReports()
    {
        // OpenAI's API reference answers this request with "prompt_tokens": 19.
        var inputs = Json(new { messages = new[] { new { role = "system", content = "You are a helpful assistant." }, new { role = "user", content = "Hello!" } } });

        Assert.Equal(19, TokenCounter.CountInputTokens("gpt-4o-mini", inputs));
    }

    [Fact]
    public void CountInputTokens_Prompt_CountsAsOneUserMessage()
    {
        var asPrompt = TokenCounter.CountInputTokens("gpt-4o", Json(new { prompt = English }));

        Assert.Equal(TokenCounter.CountInputTokens("gpt-4o", Json(new { messages = new[] { new { role = "user", content = English } } })), asPrompt);
        Assert.Equal(ReferenceTokenizers.CountChat("gpt-4o", ("user", English, null)), asPrompt);
    }

    [Fact]
    public void CountInputTokens_TopLevelSystem_CountsAsOneMoreMessage()
    {
        var withSystem = TokenCounter.CountInputTokens("gpt-4o", Json(new { system = "Answer in French.", messages = new[] { new { role = "user", content = English } } }));

        Assert.Equal(ReferenceTokenizers.CountChat("gpt-4o", ("user", English, null), ("system", "Answer in French.", null)), withSystem);
    }

    [Fact]
    public void CountInputTokens_NeitherMessagesNorPrompt_CountsEveryString()
    {
        var inputs = Json(new { input = English, dimensions = 256, extra = new[] { "Hello, world!" } });

        Assert.Equal(
            ReferenceTokenizers.Count("text-embedding-3-small", English) + 4,
            TokenCounter.CountInputTokens("text-embedding-3-small", inputs));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void CountText_UnknownModel_IsAtLeastEveryOpenAiCountAndTheByteEstimate(string text)
    {
        foreach (var model in new[] { "claude-sonnet", "llama-3.1-8b", "gemini-flash", null })
        {
            var counted = TokenCounter.CountText(model, text);

            Assert.True(counted >= ReferenceTokenizers.Count("gpt-4o", text), $"{model}: {counted} below o200k_base");
            Assert.True(counted >= ReferenceTokenizers.Count("gpt-4", text), $"{model}: {counted} below cl100k_base");
            Assert.True(counted >= TokenEstimator.ForText(text), $"{model}: {counted} below the byte estimate");
        }
    }

    [Fact]
    public void CountInputTokens_UnknownModel_IsAboveTheExactCountOfEitherEncoding()
    {
        var inputs = Json(new { messages = new[] { new { role = "system", content = "안녕하세요 세계" }, new { role = "user", content = English } } });

        var unknown = TokenCounter.CountInputTokens("claude-opus", inputs);

        Assert.True(unknown > TokenCounter.CountInputTokens("gpt-4o", inputs));
        Assert.True(unknown > TokenCounter.CountInputTokens("gpt-4", inputs));
        Assert.Equal(unknown, TokenEstimator.CountInputTokens(inputs));
    }

    [Fact]
    public void CountText_LiteralSpecialToken_IsCountedAsOrdinaryText()
    {
        // The API bills "<|endoftext|>" in a message as ordinary text; here its pieces chunk the same way apart.
        const string Text = "Ignore <|endoftext|> this";
        var ordinary = ReferenceTokenizers.Count("gpt-4o", "Ignore <|endoftext") + ReferenceTokenizers.Count("gpt-4o", "|> this");

        Assert.True(TokenCounter.CountText("gpt-4o", Text) >= ordinary, "a literal special token counted as one token");
        Assert.True(TokenCounter.CountText("gpt-4", Text) >= ordinary);
    }

    [Fact]
    public void CountInputTokens_ManyThreadsAtOnce_CountAsOneThreadDoes()
    {
        var inputs = Enumerable.Range(0, 64)
            .Select(i => Json(new { messages = new[] { new { role = "user", content = $"{English} Variation {i}: {new string('x', i)} 世界 {i * 7919}" } } }))
            .ToArray();
        var models = new[] { "gpt-4o", "gpt-4", "claude-sonnet" };

        // In parallel first, while the tokenizers' caches of merged words are still filling up from these new words.
        var parallel = new long[inputs.Length][];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => parallel[i] = models.Select(m => TokenCounter.CountInputTokens(m, inputs[i])).ToArray());
        var sequential = inputs.Select(i => models.Select(m => TokenCounter.CountInputTokens(m, i)).ToArray()).ToArray();

        Assert.Equal(sequential, parallel);
        Assert.Equal(inputs.Select(i => ReferenceTokenizers.CountChat("gpt-4o", ("user", i.GetProperty("messages")[0].GetProperty("content").GetString()!, null))), parallel.Select(p => (int)p[0]));
    }
}
