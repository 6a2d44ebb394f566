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
    public void WorstCase_Gpt4oMiniProvider_ReservesTheRealInputCount_BelowTheByteEstimate()
    {
        const string System = "You are a support agent. Classify the ticket as billing, bug or question, and say why in one sentence.";
        const string Ticket = "I was charged twice for my subscription this month and the second charge still shows as pending on my card.";
        var mini = TestProviders.PerToken("gpt-4o-mini", 15m, 60m) with { Model = "gpt-4o-mini" };
        var inputs = JsonSerializer.SerializeToElement(new { messages = new[] { new { role = "system", content = System }, new { role = "user", content = Ticket } }, max_tokens = 200 });
        var real = ReferenceTokenizers.CountChat("gpt-4o-mini", ("system", System, null), ("user", Ticket, null));
        // What reservations counted before: one token per three bytes of each string, four per message, three priming.
        var byteEstimate = 3 + 4 + TokenEstimator.ForText("system") + TokenEstimator.ForText(System) + 4 + TokenEstimator.ForText("user") + TokenEstimator.ForText(Ticket);

        var estimate = CostEstimator.WorstCase(mini, inputs);

        Assert.Equal(real, estimate.InputTokens);
        Assert.True(estimate.InputTokens < byteEstimate, $"{estimate.InputTokens} not below the byte estimate {byteEstimate}");
        Assert.True(estimate.WorstCaseCents >= CostEstimator.Actual(mini, inputs, new TokenCounts { Input = real, Output = 200 }));
        Assert.True(estimate.WorstCaseCents < CostEstimator.WorstCase(mini with { Model = "claude-sonnet" }, inputs).WorstCaseCents);
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
