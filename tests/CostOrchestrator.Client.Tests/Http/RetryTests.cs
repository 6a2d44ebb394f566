using System.Net;
using System.Net.Http.Headers;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Client.Http;

namespace CostOrchestrator.Client.Tests.Http;

public sealed class RetryTests
{
    private const string Budget = """{"scope":"global","status":"normal","windows":[],"thresholds":{"warn":0.8,"constrained":0.9,"exhausted":0.98}}""";
    private const string Unavailable = """{"status":503,"code":"store_unavailable","detail":"the store is unavailable; retry"}""";

    [Fact]
    public async Task GetBudgetAsync_UnavailableThenOk_RetriesAndReturnsTheBudget()
    {
        var stub = new StubHandler(call => call == 1
            ? StubHandler.Json(HttpStatusCode.ServiceUnavailable, Unavailable, "application/problem+json")
            : StubHandler.Json(HttpStatusCode.OK, Budget));
        using var client = Client(stub, "secret-token");

        var budget = await client.GetGrain<IBudgetGovernorGrain>("global").GetBudgetAsync(TestContext.Current.CancellationToken);

        Assert.Equal("global", budget.Scope);
        Assert.Equal(2, stub.Calls);
        Assert.All(stub.Authorizations, a => Assert.Equal("Bearer secret-token", a));
    }

    [Fact]
    public async Task GetBudgetAsync_ConnectionRefusedEveryTime_GivesUpAfterThreeAttempts()
    {
        var stub = new StubHandler(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"));
        using var client = Client(stub);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetGrain<IBudgetGovernorGrain>("global").GetBudgetAsync(TestContext.Current.CancellationToken));

        Assert.Equal(3, stub.Calls);
    }

    [Fact]
    public async Task SubmitRunAsync_Unavailable_IsSentOnceAndThrows()
    {
        var stub = new StubHandler(_ => StubHandler.Json(HttpStatusCode.ServiceUnavailable, Unavailable, "application/problem+json"));
        using var client = Client(stub);
        var pipeline = new PipelineDefinition { Id = "p", Steps = [new PipelineStep { Name = "a", Invoke = new StepInvoke { Capability = "llm-chat" } }] };

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() => client.SubmitRunAsync(pipeline, null, wait: false, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.Status);
        Assert.Equal("store_unavailable", ex.Code);
        Assert.Equal(1, stub.Calls);
    }

    [Fact]
    public async Task InvokeAsync_ConnectionFailure_IsNotRetried()
    {
        var stub = new StubHandler(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"));
        using var client = Client(stub);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.InvokeAsync("llm-chat", new Abstractions.Invocation.InvokeRequest(), TestContext.Current.CancellationToken));

        Assert.Equal(1, stub.Calls);
    }

    [Fact]
    public async Task ReserveAsync_RetryAfterLongerThanTheCap_ReturnsTheErrorWithoutWaiting()
    {
        var stub = new StubHandler(_ =>
        {
            var response = StubHandler.Json(HttpStatusCode.TooManyRequests, """{"status":429,"code":"rate_limited","detail":"slow down"}""", "application/problem+json");
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1));
            return response;
        });
        using var client = Client(stub);

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() => client.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey).ReserveAsync(
            new ReservationRequest { Chain = ["global"], AmountCents = 1m, IdempotencyKey = "k" }, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Status);
        Assert.Equal(1, stub.Calls);
    }

    [Fact]
    public async Task GetAsync_NotFoundWithoutProblemBody_ThrowsRatherThanReportingNoSuchRun()
    {
        // A 404 from a wrong base address (no problem code) is not the node saying "no such run".
        var stub = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));
        using var client = Client(stub);

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() => client.GetGrain<IPipelineRunGrain>("run_1").GetAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, ex.Status);
        Assert.Null(ex.Code);
    }

    [Fact]
    public void Backoff_SuccessiveAttempts_DoublesFromTheBaseDelay()
    {
        var policy = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100) };

        Assert.InRange(policy.Backoff(1).TotalMilliseconds, 80, 120);
        Assert.InRange(policy.Backoff(2).TotalMilliseconds, 160, 240);
    }

    private static CostOrchestratorClient Client(StubHandler stub, string? token = null) =>
        new(new HttpClient(stub), new Uri("http://node.invalid:8080"), ownsHttpClient: true, token,
            RetryPolicy.Default with { BaseDelay = TimeSpan.Zero }, TimeProvider.System);
}
