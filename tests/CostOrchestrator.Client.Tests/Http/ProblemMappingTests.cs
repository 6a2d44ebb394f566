using System.Net;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Client.Http;

namespace CostOrchestrator.Client.Tests.Http;

public sealed class ProblemMappingTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task SendAsync_BodyWithUnknownField_ThrowsInvalidRequestNamingTheField()
    {
        // The typed API cannot send an unknown field, so this goes through the client's transport with a raw body.
        using var http = new HttpClient();
        using var connection = new ApiConnection(http, node.Address, ownsHttp: false, NodeFixture.AdminToken, RetryPolicy.Default, TimeProvider.System);
        var body = RequestBody.Text("""{"chain":["global"],"amount_cents":1,"idempotency_key":"k","colour":"red"}""", "application/json");

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() =>
            connection.SendAsync<Reservation>(HttpMethod.Post, "v1/reservations", body, idempotent: true, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        Assert.Equal("invalid_request", ex.Code);
        Assert.Equal("colour", ex.Field);
        var error = Assert.Single(ex.Errors);
        Assert.Equal("colour", error.Field);
        Assert.Contains("POST v1/reservations", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(NodeFixture.AdminToken, ex.Message, StringComparison.Ordinal);
    }
}
