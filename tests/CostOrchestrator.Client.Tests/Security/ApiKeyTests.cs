using System.Net;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Client.Security;

namespace CostOrchestrator.Client.Tests.Security;

public sealed class ApiKeyTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task GetBudgetAsync_KeyBoundToTeamMedia_ReadsItsOwnAndIsForbiddenTeamSupport()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await node.Admin.CreateApiKeyAsync("media service", ["team:media"], ct);
        Assert.StartsWith("costorch_sk_", created.Secret, StringComparison.Ordinal);
        Assert.Equal(["team:media"], created.Key.Scopes);
        using var media = node.Connect(created.Secret);

        var own = await media.GetGrain<IBudgetGovernorGrain>("team:media").GetBudgetAsync(ct);
        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() => media.GetGrain<IBudgetGovernorGrain>("team:support").GetBudgetAsync(ct));

        Assert.Equal("team:media", own.Scope);
        Assert.True(own.HasPolicy);
        Assert.Equal(HttpStatusCode.Forbidden, ex.Status);
        Assert.Equal("forbidden", ex.Code);
        Assert.DoesNotContain(created.Secret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReserveAsync_KeyBoundToTeamMediaChargingTeamSupport_ThrowsForbidden()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await node.Admin.CreateApiKeyAsync("media service", ["team:media"], ct);
        using var media = node.Connect(created.Secret);

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() => media.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey).ReserveAsync(
            new ReservationRequest { Chain = ["global", "team:support"], AmountCents = 0.1m, IdempotencyKey = Guid.NewGuid().ToString("N") }, ct));

        Assert.Equal(HttpStatusCode.Forbidden, ex.Status);
    }

    [Fact]
    public async Task GetBudgetAsync_NoToken_ThrowsUnauthorized()
    {
        using var anonymous = node.Connect(token: null);

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() =>
            anonymous.GetGrain<IBudgetGovernorGrain>("global").GetBudgetAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.Status);
        Assert.Equal("unauthorized", ex.Code);
    }

    [Fact]
    public async Task CreateApiKeyAsync_WithAnApiKeyInsteadOfTheAdminToken_ThrowsForbidden()
    {
        var ct = TestContext.Current.CancellationToken;
        var created = await node.Admin.CreateApiKeyAsync("media service", ["team:media"], ct);
        using var media = node.Connect(created.Secret);

        var ex = await Assert.ThrowsAsync<CostOrchestratorApiException>(() => media.CreateApiKeyAsync("escalation", ["team:support"], ct));

        Assert.Equal(HttpStatusCode.Forbidden, ex.Status);
    }

    [Fact]
    public void ToString_CreatedApiKey_LeavesTheSecretOut()
    {
        var created = new CreatedApiKey
        {
            Key = new Abstractions.Security.ApiKey { KeyId = "key_1", Name = "n", Scopes = ["team:media"], CreatedAt = DateTimeOffset.UnixEpoch },
            Secret = "costorch_sk_topsecret",
        };

        Assert.DoesNotContain("topsecret", created.ToString(), StringComparison.Ordinal);
        Assert.Contains("key_1", created.ToString(), StringComparison.Ordinal);
    }
}
