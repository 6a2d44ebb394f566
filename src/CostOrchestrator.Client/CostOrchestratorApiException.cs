using System.Net;

namespace CostOrchestrator.Client;

/// <summary>
/// A node answered with an error that is not an expected outcome of the call: a bad request, a missing
/// credential, a forbidden scope, an unavailable store after the retries ran out, or a bug. The properties
/// come from the node's RFC 7807 problem body. The message never contains the bearer token.
/// </summary>
public sealed class CostOrchestratorApiException : Exception
{
    /// <summary>Creates the exception from a problem response.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="code">The problem's stable <c>code</c>, or null when the body was not a problem.</param>
    /// <param name="field">The field at fault, if the node named one.</param>
    /// <param name="detail">The problem's <c>detail</c> (or the reason phrase when there was no problem body).</param>
    /// <param name="errors">Every field error of a validation problem.</param>
    /// <param name="request">The method and path called, e.g. <c>GET v1/budgets/team%3Amedia</c>.</param>
    public CostOrchestratorApiException(HttpStatusCode status, string? code, string? field, string detail, IReadOnlyList<ApiFieldError> errors, string request)
        : base(Describe(status, code, field, detail, request))
    {
        Status = status;
        Code = code;
        Field = field;
        Detail = detail;
        Errors = errors;
        Request = request;
    }

    /// <summary>The HTTP status code, e.g. 400, 401, 403, 503.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>
    /// The stable problem code (<c>invalid_request</c>, <c>invalid_pipeline</c>, <c>forbidden</c>, <c>unauthorized</c>,
    /// <c>budget_exceeded</c>, <c>no_provider</c>, <c>store_unavailable</c>, ...); null when the response was not problem+json.
    /// </summary>
    public string? Code { get; }

    /// <summary>The field at fault (<c>chain</c>, <c>pipeline.steps[0].invoke.capability</c>, ...), if any.</summary>
    public string? Field { get; }

    /// <summary>The node's explanation, for humans.</summary>
    public string Detail { get; }

    /// <summary>Every field error of a validation problem (400); empty otherwise.</summary>
    public IReadOnlyList<ApiFieldError> Errors { get; }

    /// <summary>The method and relative path of the failed call (no query secrets, no headers).</summary>
    public string Request { get; }

    private static string Describe(HttpStatusCode status, string? code, string? field, string detail, string request) =>
        $"{request} failed with {(int)status}{(code is null ? string.Empty : " " + code)}{(field is null ? string.Empty : $" (field '{field}')")}: {detail}";
}
