using System.Net;
using System.Net.Http.Headers;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests;

public sealed class ClusterDashboardTests(RunningNode node) : IClassFixture<RunningNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OrleansDashboard_IsServedToTheAdminOnly_ByTokenOrByTheSessionCookie()
    {
        using var anonymous = node.Client(token: null);
        using var keyed = node.Client(await node.CreateKeyAsync("team:media"));
        using var admin = node.Client();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/cluster/version", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await keyed.GetAsync("/dashboard/cluster/version", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await keyed.PostAsync("/v1/dashboard/cluster-session", null, Ct)).StatusCode);
        var page = await admin.GetAsync("/dashboard/cluster/", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);

        // A browser has no Authorization header on the dashboard's own requests: it trades the token for a cookie.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = node.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/dashboard/cluster/version", Ct)).StatusCode);
        using var session = new HttpRequestMessage(HttpMethod.Post, "/v1/dashboard/cluster-session");
        session.Headers.Authorization = new AuthenticationHeaderValue("Bearer", RunningNode.AdminToken);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(session, Ct)).StatusCode);

        var version = await browser.GetAsync("/dashboard/cluster/version", Ct);
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        Assert.Contains("version", await version.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var cookie = Assert.Single(cookies.GetCookies(new Uri(node.BaseAddress, "/dashboard/cluster/")));
        Assert.True(cookie.HttpOnly);
        Assert.DoesNotContain(RunningNode.AdminToken, cookie.Value, StringComparison.Ordinal);
        Assert.Empty(cookies.GetCookies(new Uri(node.BaseAddress, "/v1/budgets"))); // scoped to the dashboard's path only
    }
}
