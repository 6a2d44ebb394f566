using System.Security.Cryptography;
using System.Text;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Security;
using Orleans.Dashboard;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>
/// Orleans' own dashboard (silos, activations, grain call rates and latencies) under <see cref="Path"/>, for
/// operators holding the admin token. Its page and the calls it makes are plain browser requests without an
/// Authorization header, so the operator's browser first trades the token for a cookie scoped to that path
/// (<c>POST /v1/dashboard/cluster-session</c>, which our cost dashboard does when its link is clicked); the cookie
/// holds a keyed hash of the token, never the token, and stops working when the token changes.
/// </summary>
public static class ClusterDashboardEndpoints
{
    /// <summary>Where the Orleans dashboard is served.</summary>
    public const string Path = "/dashboard/cluster";

    private const string CookieName = "costorch_cluster";

    public static void MapClusterDashboard(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/dashboard/cluster-session", (HttpContext context, ServerOptions options) =>
        {
            context.Response.Cookies.Append(CookieName, SessionValue(options.AdminToken!), new CookieOptions
            {
                Path = Path,
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromHours(12),
            });
            return Results.NoContent();
        }).RequireAdmin();

        app.MapOrleansDashboard(routePrefix: Path).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<ServerOptions>();
            if (string.IsNullOrEmpty(options.AdminToken))
            {
                return Problems.Forbidden("the cluster dashboard is disabled: start the node with COSTORCH_ADMIN_TOKEN set");
            }

            if (http.Request.Cookies.TryGetValue(CookieName, out var session)
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(session), Encoding.ASCII.GetBytes(SessionValue(options.AdminToken))))
            {
                return await next(context).ConfigureAwait(false);
            }

            // Without the session cookie, the admin token in the Authorization header (scripts, curl).
            var caller = await http.RequestServices.GetRequiredService<ApiKeyService>()
                .AuthenticateAsync(http.Request, http.RequestServices.GetRequiredService<Storage.ICostOrchestratorStore>(), http.RequestAborted).ConfigureAwait(false);
            return caller.IsAdmin ? await next(context).ConfigureAwait(false)
                : caller.IsAuthenticated ? Problems.Forbidden("the cluster dashboard needs the admin token")
                : Problems.Unauthorized();
        });
    }

    // HMAC of a fixed label keyed by the admin token: the cookie proves the token was presented without carrying it.
    private static string SessionValue(string adminToken) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(adminToken), "costorch cluster dashboard"u8));
}
