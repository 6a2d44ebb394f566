using System.Text.Json;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests.Endpoints;

/// <summary>The OpenAPI document a client generator reads: every body a route takes and every status it answers.</summary>
public sealed class OpenApiDocumentTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Routes that take no body.
    private static readonly string[] Bodiless = ["/v1/reservations/{id}/release", "/v1/runs/{id}/cancel", "/v1/dashboard/cluster-session", "/v1/alerts/evaluate"];

    [Fact]
    public async Task EveryRouteThatTakesABody_DeclaresIt_AndEveryMutatingRouteDeclaresMoreThan200()
    {
        using var client = node.Client(token: null);
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct));
        var missing = new List<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "post" or "put" or "patch"))
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                if (!Bodiless.Contains(path.Name) && !operation.Value.TryGetProperty("requestBody", out _))
                {
                    missing.Add($"{name}: no requestBody");
                }

                var statuses = operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
                if (path.Name != "/v1/dashboard/cluster-session" && statuses.Count < 3)
                {
                    missing.Add($"{name}: only {string.Join(", ", statuses)}");
                }
            }
        }

        Assert.Empty(missing);
        var reserve = document.RootElement.GetProperty("paths").GetProperty("/v1/reservations").GetProperty("post");
        Assert.True(reserve.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.Superset(new HashSet<string> { "201", "400", "401", "402", "403", "409", "413", "503" },
            reserve.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet());
    }
}
