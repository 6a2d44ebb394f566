using System.Text.Json;
using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Providers.Tests;

/// <summary>Provider records and calls for adapter tests.</summary>
internal static class TestRecords
{
    public static ProviderRecord PerToken(string kind, string endpoint, string? apiKeyEnv, string model = "upstream-model-1",
        int? defaultMaxOutputTokens = null) => new()
        {
            ProviderId = kind + "-test",
            Capability = "llm-chat",
            Kind = kind,
            Tier = 3,
            Endpoint = endpoint,
            Model = model,
            ApiKeyEnv = apiKeyEnv,
            CostModel = new CostModel
            {
                Kind = CostModelKind.PerToken,
                InputCentsPerMillionTokens = 250m,
                CachedInputCentsPerMillionTokens = 125m,
                OutputCentsPerMillionTokens = 1000m,
                DefaultMaxOutputTokens = defaultMaxOutputTokens,
            },
        };

    public static ProviderRecord PerInvocation(string endpoint, string? apiKeyEnv) => new()
    {
        ProviderId = "json-test",
        Capability = "ai-video-generate",
        Kind = "http-json",
        Tier = 3,
        Endpoint = endpoint,
        ApiKeyEnv = apiKeyEnv,
        CostModel = new CostModel { Kind = CostModelKind.PerInvocation, CentsPerInvocation = 40m },
    };

    public static ProviderCall Call(ProviderRecord provider, object inputs) => Call(provider, JsonSerializer.SerializeToElement(inputs));

    public static ProviderCall Call(ProviderRecord provider, JsonElement inputs) => new()
    {
        Provider = provider,
        Inputs = inputs,
        InvocationId = "inv_test",
        ArtifactDirectory = Path.GetTempPath(),
    };

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
