using System.Text.Json;
using CostOrchestrator.Core.Caching;

namespace CostOrchestrator.Core.Tests.Caching;

public sealed class CacheKeyTests
{
    [Fact]
    public void For_KeyOrderAndWhitespace_DoNotMatter()
    {
        var a = JsonDocument.Parse("""{ "b": 1, "a": { "y": [1, 2], "x": "s" } }""").RootElement;
        var b = JsonDocument.Parse("""{"a":{"x":"s","y":[1,2]},"b":1}""").RootElement;

        Assert.Equal(CacheKey.For("tts-generate", a), CacheKey.For("tts-generate", b));
    }

    [Fact]
    public void For_DifferentCapabilityOrInput_Differs()
    {
        var input = JsonDocument.Parse("""{ "text": "hi" }""").RootElement;

        Assert.NotEqual(CacheKey.For("tts-generate", input), CacheKey.For("llm-chat", input));
        Assert.NotEqual(CacheKey.For("tts-generate", input), CacheKey.For("tts-generate", JsonDocument.Parse("""{ "text": "hi!" }""").RootElement));
        Assert.Equal(64, CacheKey.For("tts-generate", input).Length);
    }
}
