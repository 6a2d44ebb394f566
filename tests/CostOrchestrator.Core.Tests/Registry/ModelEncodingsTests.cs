using CostOrchestrator.Core.Registry;

namespace CostOrchestrator.Core.Tests.Registry;

public sealed class ModelEncodingsTests
{
    [Theory]
    [InlineData("gpt-4o", ModelEncodings.O200kBase)]
    [InlineData("gpt-4o-mini-2024-07-18", ModelEncodings.O200kBase)]
    [InlineData("chatgpt-4o-latest", ModelEncodings.O200kBase)]
    [InlineData("gpt-4.1-nano", ModelEncodings.O200kBase)]
    [InlineData("gpt-5.1", ModelEncodings.O200kBase)]
    [InlineData("o1", ModelEncodings.O200kBase)]
    [InlineData("o3-mini", ModelEncodings.O200kBase)]
    [InlineData("o4-mini", ModelEncodings.O200kBase)]
    [InlineData("GPT-4o", ModelEncodings.O200kBase)]
    [InlineData("openai/gpt-4o-mini", ModelEncodings.O200kBase)]
    [InlineData("ft:gpt-4o-mini:acme::abc123", ModelEncodings.O200kBase)]
    [InlineData("gpt-4", ModelEncodings.Cl100kBase)]
    [InlineData("gpt-4-turbo", ModelEncodings.Cl100kBase)]
    [InlineData("gpt-3.5-turbo", ModelEncodings.Cl100kBase)]
    [InlineData("gpt-35-turbo", ModelEncodings.Cl100kBase)]
    [InlineData("text-embedding-3-small", ModelEncodings.Cl100kBase)]
    [InlineData("text-embedding-ada-002", ModelEncodings.Cl100kBase)]
    public void For_OpenAiFamily_IsItsEncoding(string model, string encoding)
    {
        Assert.Equal(encoding, ModelEncodings.For(model));
    }

    [Theory]
    [InlineData("claude-sonnet")]
    [InlineData("claude-3-5-haiku-latest")]
    [InlineData("llama-3.1-8b")]
    [InlineData("mistral-large")]
    [InlineData("gemini-flash")]
    [InlineData("openrouter/free")]
    [InlineData("gpt-4omni-clone")]
    [InlineData("o1x")]
    [InlineData("ollama")]
    [InlineData("")]
    [InlineData(null)]
    public void For_OtherModel_IsUnknown(string? model)
    {
        Assert.Null(ModelEncodings.For(model));
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("gpt-4.1")]
    [InlineData("o3-mini")]
    [InlineData("gpt-4-turbo")]
    [InlineData("gpt-3.5-turbo")]
    [InlineData("text-embedding-3-small")]
    public void For_KnownModel_AgreesWithTheTokenizerLibrarysModelTable(string model)
    {
        // The two encodings split non-English text differently, so a swapped mapping changes the count.
        const string Text = "日本語のテキストです。नमस्ते दुनिया";

        Assert.Equal(ReferenceTokenizers.Count(model, Text), TokenCounter.CountText(model, Text));
    }
}
