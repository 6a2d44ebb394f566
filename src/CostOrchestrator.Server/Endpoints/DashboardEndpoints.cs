using CostOrchestrator.Server.Http;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>
/// The operator dashboard at <c>/dashboard</c>: static files embedded in this assembly (<c>Dashboard/</c>), served with
/// a strict Content-Security-Policy. The page itself holds no data; it reads the REST API with the token the
/// operator types, so it needs no authentication of its own.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>Only this node's own files and API: no CDN, no inline script or style, no framing.</summary>
    public const string ContentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The prefix of the dashboard's embedded resource names (see the csproj's LogicalName).</summary>
    public const string ResourcePrefix = "dashboard/";

    public static void MapDashboard(this IEndpointRouteBuilder app)
    {
        // The spend report is the dashboard's chart; mapped here so the host gains the pair with a single line.
        app.MapReportEndpoints();

        var assets = new EmbeddedAssetProvider(typeof(DashboardEndpoints).Assembly, ResourcePrefix);
        app.MapGet("/dashboard", (HttpContext context) => Serve(context, assets, "index.html")).ExcludeFromDescription();
        app.MapGet("/dashboard/{file}", (string file, HttpContext context) => Serve(context, assets, file)).ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, EmbeddedAssetProvider assets, string file)
    {
        if (assets.Find(file) is not { } asset)
        {
            return Problems.NotFound($"dashboard file '{file}'");
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidate every time: after an upgrade the node serves new files and the ETag says so.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
