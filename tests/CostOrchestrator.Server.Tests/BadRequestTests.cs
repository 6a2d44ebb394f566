using CostOrchestrator.Tests.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Server.Tests;

public sealed class BadRequestTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // path, body, expected code, expected field
        { "/v1/reservations", """{ "chain": ["global"], "amount_cents": 1, """, "invalid_json", "$" },
        { "/v1/reservations", """{ "chain": ["global"], "amount_cents": "one", "idempotency_key": "k" }""", "invalid_request", "amount_cents" },
        { "/v1/reservations", """{ "chain": ["global"], "amount_cents": 1, "idempotency_key": "k", "colour": "red" }""", "invalid_request", "colour" },
        { "/v1/reservations", """{ "chain": ["global"], "idempotency_key": "k" }""", "invalid_request", "amount_cents" },
        { "/v1/reservations", """{ "chain": ["global"], "amount_cents": -1, "idempotency_key": "k" }""", "invalid_request", "amount_cents" },
        { "/v1/reservations", """{ "chain": ["not a scope"], "amount_cents": 1, "idempotency_key": "k" }""", "invalid_request", "chain[0]" },
        { "/v1/pipelines/render-social-clip/runs", """{ "input": { "script": "x", "scenes": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21] } }""", "invalid_pipeline", "steps[2].invoke.for_each" },
        { "/v1/runs", """{ "pipeline": { "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate", "budget_cents": -2 } } ] } }""", "invalid_pipeline", "pipeline.steps[0].invoke.budget_cents" },
        { "/v1/runs", """{ "pipeline": { "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "warp-drive" } } ] } }""", "invalid_pipeline", "pipeline.steps[0].invoke.capability" },
        { "/v1/capabilities/llm-chat/invoke", """{ "inputs": { "prompt": "hi" }, "prefer": "priciest" }""", "invalid_request", "prefer" },
        { "/v1/capabilities/llm-chat/invoke", """{ "inputs": "hi" }""", "invalid_request", "inputs" },
        { "/v1/capabilities/llm-chat/invoke", """{ "inputs": { "prompt": "hi" }, "budget_cents": 1e20 }""", "invalid_request", "budget_cents" },
        { "/v1/reservations/any/commit", """{ "actual_cents": 1e20 }""", "invalid_request", "actual_cents" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_GetsProblemJsonNamingTheField_AndChangesNothing(string path, string body, string code, string field)
    {
        using var client = node.Client();
        var ledgerBefore = (await node.Store.GetLedgerAsync(new LedgerQuery(), Ct)).Count;
        var runsBefore = (await node.Store.ListRunsAsync(new RunQuery { Limit = 500 }, Ct)).Count;

        var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await RunningNode.JsonAsync(response);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(ledgerBefore, (await node.Store.GetLedgerAsync(new LedgerQuery(), Ct)).Count);
        Assert.Equal(runsBefore, (await node.Store.ListRunsAsync(new RunQuery { Limit = 500 }, Ct)).Count);
    }

    [Fact]
    public async Task OversizeBody_Is413AndChangesNothing()
    {
        using var client = node.Client();

        // Expect: 100-continue, as clients sending large bodies do: the node answers 413 before the body is sent,
        // instead of closing the connection under a client still writing it (a broken pipe, not an answer).
        client.DefaultRequestHeaders.ExpectContinue = true;
        var huge = "{ \"input\": { \"script\": \"" + new string('a', 2 * 1024 * 1024) + "\" } }";

        var response = await client.PostAsync("/v1/pipelines/render-social-clip/runs", new StringContent(huge, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await node.Store.ListRunsAsync(new RunQuery { PipelineId = "render-social-clip" }, Ct));
    }

    [Fact]
    public async Task InvalidBudgetPolicy_NamesTheFieldAndKeepsTheOldOne()
    {
        using var client = node.Client();

        var response = await client.PutAsJsonAsync("/v1/budgets/team:media", new { windows = new[] { new { window = "month", limit_cents = -5 } } }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("windows[0].limit_cents", (await RunningNode.JsonAsync(response)).GetProperty("field").GetString());
        Assert.Equal(60000m, (await node.BudgetAsyncOf("team:media")).Windows[0].LimitCents);
    }
}
