using CostOrchestrator.Storage;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;

namespace CostOrchestrator.Server.Security;

/// <summary>Authentication for route groups: any credential, or the admin token.</summary>
public static class CallerFilters
{
    private const string CallerItem = "costorch.caller";

    /// <summary>The authenticated caller of this request.</summary>
    public static Caller Caller(this HttpContext context) =>
        context.Items.TryGetValue(CallerItem, out var caller) && caller is Caller c ? c : Security.Caller.Anonymous;

    /// <summary>Requires the admin token or an API key.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var caller = await AuthenticateAsync(context.HttpContext).ConfigureAwait(false);
            return caller.IsAuthenticated ? await next(context).ConfigureAwait(false) : Problems.Unauthorized();
        });

    /// <summary>Requires the admin token; refuses (and says why) when the node has none.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<ServerOptions>();
            if (string.IsNullOrEmpty(options.AdminToken))
            {
                return Problems.Forbidden("admin routes are disabled: start the node with COSTORCH_ADMIN_TOKEN set");
            }

            var caller = await AuthenticateAsync(context.HttpContext).ConfigureAwait(false);
            return caller.IsAdmin ? await next(context).ConfigureAwait(false)
                : caller.IsAuthenticated ? Problems.Forbidden("this route needs the admin token")
                : Problems.Unauthorized();
        });

    private static async Task<Caller> AuthenticateAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(CallerItem, out var known) && known is Caller cached)
        {
            return cached;
        }

        var services = context.RequestServices;
        var caller = await services.GetRequiredService<ApiKeyService>()
            .AuthenticateAsync(context.Request, services.GetRequiredService<ICostOrchestratorStore>(), context.RequestAborted).ConfigureAwait(false);
        context.Items[CallerItem] = caller;
        return caller;
    }
}
