using CostOrchestrator.Tests.Common;
using CostOrchestrator.Providers.Anthropic;
using CostOrchestrator.Providers.Http;
using CostOrchestrator.Providers.HttpJson;
using CostOrchestrator.Providers.OpenAi;

namespace CostOrchestrator.Providers.Tests.Http;

public sealed class HttpProviderHealthTests
{
    public static TheoryData<string> Kinds => new("openai-compatible", "anthropic", "http-json");

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckHealthAsync_KeyVariableUnset_UnhealthyNamingTheVariable(string kind)
    {
        using var key = ApiKey.Unset();
        using var http = HttpProviderSupport.CreateClient();

        var report = await Adapter(kind, http).CheckHealthAsync(TestRecords.PerToken(kind, "https://api.example.com/v1", key.Env), TestContext.Current.CancellationToken);

        Assert.False(report.Healthy);
        Assert.Equal($"env var {key.Env} is not set", report.Reason);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckHealthAsync_KeySetAndEndpointValid_HealthyAndKeyNotInReport(string kind)
    {
        using var key = ApiKey.Set();
        using var http = HttpProviderSupport.CreateClient();

        var report = await Adapter(kind, http).CheckHealthAsync(TestRecords.PerToken(kind, "https://api.example.com/v1", key.Env), TestContext.Current.CancellationToken);

        Assert.Equal(new ProviderHealthReport(true), report);
    }

    [Theory]
    [InlineData("openai-compatible", null, "endpoint is not set")]
    [InlineData("anthropic", "api.anthropic.com/v1", "endpoint 'api.anthropic.com/v1' is not an absolute http(s) URL")]
    [InlineData("http-json", "ftp://files.example/run", "endpoint 'ftp://files.example/run' is not an absolute http(s) URL")]
    public async Task CheckHealthAsync_BadEndpoint_UnhealthyWithReason(string kind, string? endpoint, string reason)
    {
        using var http = HttpProviderSupport.CreateClient();

        var report = await Adapter(kind, http).CheckHealthAsync(TestRecords.PerToken(kind, endpoint!, null), TestContext.Current.CancellationToken);

        Assert.False(report.Healthy);
        Assert.Equal(reason, report.Reason);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckHealthAsync_NoKeyNeeded_HealthyWithoutCallingTheEndpoint(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var http = HttpProviderSupport.CreateClient();

        var report = await Adapter(kind, http).CheckHealthAsync(TestRecords.PerToken(kind, upstream.ApiEndpoint, null), ct);

        Assert.True(report.Healthy);
        Assert.Empty(upstream.Requests);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task InvokeAsync_KeyVariableUnset_ErrorNamesVariableNotRetryable(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var key = ApiKey.Unset();
        using var http = HttpProviderSupport.CreateClient();
        var endpoint = kind == "http-json" ? upstream.JsonEndpoint : upstream.ApiEndpoint;

        var outcome = await Adapter(kind, http).InvokeAsync(TestRecords.Call(TestRecords.PerToken(kind, endpoint, key.Env), new { prompt = "Hi" }), ct);

        Assert.False(outcome.Retryable);
        Assert.Equal($"{kind}-test: env var {key.Env} is not set", outcome.Error);
        Assert.Empty(upstream.Requests);
    }

    private static IProviderAdapter Adapter(string kind, HttpClient http) => kind switch
    {
        "openai-compatible" => new OpenAiCompatibleProviderAdapter(http),
        "anthropic" => new AnthropicProviderAdapter(http),
        _ => new HttpJsonProviderAdapter(http),
    };
}
