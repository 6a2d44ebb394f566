using CostOrchestrator.Core.Registry;
using CostOrchestrator.Providers.Simulated;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Providers.Tests.Simulated;

public sealed class SimulatedProviderAdapterTests
{
    private static readonly object _apiReferenceExample = new
    {
        messages = new[] { new { role = "system", content = "You are a helpful assistant." }, new { role = "user", content = "Hello!" } },
        max_tokens = 40,
    };

    [Fact]
    public async Task InvokeAsync_Gpt4oMini_ReportsTheInputTokensOpenAiWouldBill()
    {
        var provider = TestProviders.PerToken("gpt-4o-mini", 15m, 60m) with { Model = "gpt-4o-mini" };
        var call = TestRecords.Call(provider, _apiReferenceExample);

        var outcome = await new SimulatedProviderAdapter().InvokeAsync(call, TestContext.Current.CancellationToken);

        // OpenAI's API reference answers this request with "prompt_tokens": 19.
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(19, outcome.Usage!.Input);
        Assert.Equal(40, outcome.Usage.Output);
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("gpt-4")]
    [InlineData("claude-sonnet")]
    [InlineData(null)]
    public async Task InvokeAsync_PerToken_BillsTheInputTheReservationCounted(string? model)
    {
        var provider = TestProviders.PerToken("llm", 300m, 1500m) with { Model = model };
        var call = TestRecords.Call(provider, _apiReferenceExample);
        var reserved = CostEstimator.WorstCase(provider, call.Inputs);

        var outcome = await new SimulatedProviderAdapter().InvokeAsync(call, TestContext.Current.CancellationToken);

        Assert.Equal(reserved.InputTokens, outcome.Usage!.Input);
        Assert.Equal(reserved.MaxOutputTokens, outcome.Usage.Output);
        Assert.Equal(reserved.WorstCaseCents, outcome.BilledCents);
    }
}
