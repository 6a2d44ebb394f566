using System.Net;
using System.Net.Http.Json;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests.Endpoints;

/// <summary>Every 402 says who refused as fields (scope, window, spent, reserved, limit), whichever path refused.</summary>
public sealed class BudgetRefusalTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GatewayRefusedByAScopesHeadroom_Says402WithScopeWindowSpentReservedAndLimitAsFields()
    {
        using (var admin = node.Client())
        {
            (await admin.PutAsJsonAsync("/v1/budgets/team:headroom", new { windows = new[] { new { window = "day", limit_cents = 0.01m } } }, Ct)).EnsureSuccessStatusCode();
        }

        // The scope is at 0 % (status normal): what refuses is its head-room, below claude-opus's worst case.
        using var client = node.Client(await node.CreateKeyAsync("team:headroom"));
        var response = await client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "claude-opus",
            max_tokens = 200,
            messages = new[] { new { role = "user", content = "How much is too much?" } },
        }, Ct);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var error = (await RunningNode.JsonAsync(response)).GetProperty("error");
        Assert.Equal("insufficient_quota", error.GetProperty("type").GetString());
        Assert.Equal("team:headroom", error.GetProperty("scope").GetString());
        Assert.Equal("day", error.GetProperty("window").GetString());
        Assert.Equal(0m, error.GetProperty("spent_cents").GetDecimal());
        Assert.Equal(0m, error.GetProperty("reserved_cents").GetDecimal());
        Assert.Equal(0.01m, error.GetProperty("limit_cents").GetDecimal());
        Assert.True(error.GetProperty("requested_cents").GetDecimal() > 0.01m);
    }
}
