using System.Net;
using System.Text.RegularExpressions;

namespace CostOrchestrator.Dashboard.Tests;

public sealed partial class DashboardAssetTests(DashboardNode node) : IClassFixture<DashboardNode>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dashboard_Get_ServesTheIndexWithAStrictContentSecurityPolicy()
    {
        using var client = node.Client(token: null);

        var response = await client.GetAsync("/dashboard", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("<script type=\"module\" src=\"/dashboard/dashboard.js\"></script>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("index.html", "text/html")]
    [InlineData("dashboard.css", "text/css")]
    [InlineData("dashboard.js", "text/javascript")]
    [InlineData("api.js", "text/javascript")]
    [InlineData("chart.js", "text/javascript")]
    [InlineData("alerts.js", "text/javascript")]
    [InlineData("dom.js", "text/javascript")]
    [InlineData("format.js", "text/javascript")]
    [InlineData("favicon.svg", "image/svg+xml")]
    public async Task DashboardFile_Get_HasItsContentTypeAndLoadsNothingFromOutside(string file, string contentType)
    {
        using var client = node.Client(token: null);

        var response = await client.GetAsync($"/dashboard/{file}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(response.Headers.ETag);
        var text = await response.Content.ReadAsStringAsync(Ct);
        // The only absolute URL allowed is the SVG namespace, which names and does not load.
        var external = ExternalUrl().Matches(text).Select(m => m.Value).Where(u => u != "http://www.w3.org/2000/svg").ToList();
        Assert.Empty(external);
        Assert.DoesNotContain("@import", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fonts.googleapis", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashboardModules_Imports_AreAllServedByTheNode()
    {
        using var client = node.Client(token: null);
        var pending = new Queue<string>(["dashboard.js"]);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        while (pending.TryDequeue(out var file))
        {
            if (!seen.Add(file))
            {
                continue;
            }

            var response = await client.GetAsync($"/dashboard/{file}", Ct);
            Assert.True(response.IsSuccessStatusCode, $"{file}: {response.StatusCode}");
            foreach (Match import in ModuleImport().Matches(await response.Content.ReadAsStringAsync(Ct)))
            {
                pending.Enqueue(import.Groups[1].Value);
            }
        }

        Assert.Equal(["alerts.js", "api.js", "chart.js", "dashboard.js", "dom.js", "format.js"], seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DashboardFile_Unknown_IsANotFoundProblem()
    {
        using var client = node.Client(token: null);

        var response = await client.GetAsync("/dashboard/secrets.json", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("not_found", (await DashboardNode.JsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task DashboardFile_SameETag_IsNotModified()
    {
        using var client = node.Client(token: null);
        var first = await client.GetAsync("/dashboard/dashboard.js", Ct);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/dashboard.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var second = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [GeneratedRegex("https?://[^\\s\"'`)<>]+")]
    private static partial Regex ExternalUrl();

    [GeneratedRegex("from '\\./([\\w.-]+\\.js)'")]
    private static partial Regex ModuleImport();
}
