namespace CostOrchestrator.Server.Http;

/// <summary>
/// What the OpenAPI document says of a route whose handler reads its body itself (<see cref="JsonBody"/>): the body
/// it takes and every status it answers with, so a generated client knows them.
/// </summary>
public static class RouteDocs
{
    /// <summary>Every route that needs a credential can answer these.</summary>
    private static readonly int[] Always = [StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status503ServiceUnavailable];

    /// <summary>Documents a JSON body of <typeparamref name="TBody"/>, a success of <typeparamref name="TResult"/>, and problem statuses.</summary>
    public static RouteHandlerBuilder Documents<TBody, TResult>(this RouteHandlerBuilder route, int success, params int[] problems)
        where TBody : notnull => route.Accepts<TBody>("application/json").Answers<TResult>(success, problems);

    /// <summary>Documents a route without a body: its success and problem statuses.</summary>
    public static RouteHandlerBuilder Answers<TResult>(this RouteHandlerBuilder route, int success, params int[] problems)
    {
        ArgumentNullException.ThrowIfNull(route);
        route.Produces<TResult>(success);
        foreach (var status in problems.Concat(Always).Distinct())
        {
            route.ProducesProblem(status);
        }

        return route;
    }
}
