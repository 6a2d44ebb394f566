using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Core.Tests.Registry;

public sealed class CostEstimatorTests
{
    [Fact]
    public void WorstCase_PerToken_CountsInputAndMaxTokens()
    {
        var sonnet = TestProviders.PerToken("sonnet", 300m, 1500m);
        var inputs = JsonSerializer.SerializeToElement(new { messages = new[] { new { role = "user", content = new string('a', 300) } }, max_tokens = 1000 });

        var estimate = CostEstimator.WorstCase(sonnet, inputs);

        // 3 + (4 + ceil(("user" + 300 a) / 3)) = 3 + 4 + 102 tokens of input; 1000 output.
        Assert.Equal(109, estimate.InputTokens);
        Assert.Equal(1000, estimate.MaxOutputTokens);
        Assert.Equal(0.0327m + 1.5m, estimate.WorstCaseCents);
    }

    [Fact]
    public void Actual_PerToken_UsesReportedUsageExactly()
    {
        var mini = TestProviders.PerToken("mini", 15m, 60m) with
        {
            CostModel = new CostModel { Kind = CostModelKind.PerToken, InputCentsPerMillionTokens = 15m, OutputCentsPerMillionTokens = 60m, CachedInputCentsPerMillionTokens = 7.5m },
        };

        var actual = CostEstimator.Actual(mini, null, new TokenCounts { Input = 1000, CachedInput = 400, Output = 250 });

        Assert.Equal((600 * 15m + 400 * 7.5m + 250 * 60m) / 1_000_000m, actual);
    }

    [Fact]
    public void WorstCase_PerUnit_CountsCharactersOfTheQuantityInput()
    {
        var elevenlabs = TestProviders.Fixed("elevenlabs", "tts-generate", 0m) with
        {
            CostModel = new CostModel { Kind = CostModelKind.PerUnit, Unit = "character", CentsPerUnit = 0.00003m, QuantityInput = "text" },
        };

        Assert.Equal(0.0003m, CostEstimator.WorstCase(elevenlabs, JsonSerializer.SerializeToElement(new { text = "0123456789" })).WorstCaseCents);
    }

    [Fact]
    public void WorstCase_Subscription_IsZeroAtTheMargin()
    {
        Assert.Equal(0m, CostEstimator.WorstCase(TestProviders.Subscription("max", "llm-chat"), null).WorstCaseCents);
    }
}
