using CostOrchestrator.Tests.Common;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Providers.Http;
using CostOrchestrator.Providers.HttpJson;

namespace CostOrchestrator.Providers.Tests.HttpJson;

public sealed class HttpJsonProviderAdapterTests
{
    [Fact]
    public async Task InvokeAsync_ResultAndCostCents_ReturnsResultAndBillsTheReportedCost()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        using var key = ApiKey.Set();
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new HttpJsonProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerInvocation(upstream.JsonEndpoint, key.Env), new { scene = "beach", seconds = 4 }), ct);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("""{"url":"https://cdn.example/clip.mp4"}""", outcome.Result!.Value.GetRawText());
        Assert.Equal(1.5m, outcome.BilledCents);
        Assert.Null(outcome.Usage);
        var request = upstream.Single();
        Assert.Equal("/json/run", request.Path);
        Assert.Equal("Bearer " + key.Value, request.Header("Authorization"));
        Assert.Equal("""{"scene":"beach","seconds":4}""", request.Body!.ToJsonString());
    }

    [Fact]
    public async Task InvokeAsync_NoResultOrCost_ReturnsWholeBodyAndCostsThePrice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.JsonServiceResponse = new JsonObject { ["url"] = "https://cdn.example/a.png", ["width"] = 512 };
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new HttpJsonProviderAdapter(http);
        var provider = TestRecords.PerInvocation(upstream.JsonEndpoint, null);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(provider, new { prompt = "a cat" }), ct);

        Assert.Equal("""{"url":"https://cdn.example/a.png","width":512}""", outcome.Result!.Value.GetRawText());
        Assert.Null(outcome.BilledCents);
        Assert.Equal(40m, outcome.BilledCents ?? CostEstimator.Actual(provider, outcome.Result, outcome.Usage));
        Assert.Null(upstream.Single().Header("Authorization"));
    }

    [Theory]
    [InlineData("""{ "input_tokens": 30, "output_tokens": 7 }""")]
    [InlineData("""{ "prompt_tokens": 30, "completion_tokens": 7 }""")]
    public async Task InvokeAsync_UsageInEitherSpelling_MapsTokenCounts(string usage)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.JsonServiceResponse = new JsonObject { ["result"] = "ok", ["usage"] = JsonNode.Parse(usage) };
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new HttpJsonProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerInvocation(upstream.JsonEndpoint, null), new { }), ct);

        Assert.Equal(new TokenCounts { Input = 30, Output = 7 }, outcome.Usage);
        Assert.Equal("\"ok\"", outcome.Result!.Value.GetRawText());
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(502, true)]
    [InlineData(409, true)]
    [InlineData(400, false)]
    [InlineData(422, false)]
    public async Task InvokeAsync_UpstreamStatus_FailsRetryableOnlyWhenTransient(int status, bool retryable)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.RespondWith(status, """{"detail":"try later"}""");
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new HttpJsonProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerInvocation(upstream.JsonEndpoint, null), new { }), ct);

        Assert.Equal(retryable, outcome.Retryable);
        Assert.Equal($"json-test: HTTP {status}: {{\"detail\":\"try later\"}}", outcome.Error);
    }

    [Fact]
    public async Task InvokeAsync_SuccessBodyNotJson_FailsNotRetryable()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await FakeUpstream.StartAsync(ct);
        upstream.RespondWith(200, "<html>maintenance</html>");
        using var http = HttpProviderSupport.CreateClient();
        var adapter = new HttpJsonProviderAdapter(http);

        var outcome = await adapter.InvokeAsync(TestRecords.Call(TestRecords.PerInvocation(upstream.JsonEndpoint, null), new { }), ct);

        Assert.False(outcome.Succeeded);
        Assert.False(outcome.Retryable);
        Assert.Contains("not JSON", outcome.Error, StringComparison.Ordinal);
    }
}
