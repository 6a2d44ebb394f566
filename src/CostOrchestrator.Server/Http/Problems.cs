using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Server.Http;

/// <summary>
/// RFC 7807 problem+json with a stable <c>code</c> (also the last segment of <c>type</c>), the field at fault
/// and, for validation, every error at once. An error response never follows a charge.
/// </summary>
public static class Problems
{
    private const string TypeBase = "https://costorchestrator.dev/problems/";

    public static IResult Of(int status, string code, string detail, string? field = null, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (field is not null)
        {
            extensions["field"] = field;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            extensions[key] = value;
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: Title(code), type: TypeBase + code, extensions: extensions);
    }

    public static IResult Validation(string code, IReadOnlyList<FieldError> errors) =>
        Of(StatusCodes.Status400BadRequest, code, string.Join("; ", errors.Select(e => e.ToString())), errors.FirstOrDefault()?.Field,
            new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList() });

    public static IResult Invalid(string field, string message) => Validation("invalid_request", [new FieldError(field, message)]);

    /// <summary>A problem whose status is its code's (<see cref="ErrorCodes.Status"/>).</summary>
    public static IResult Of(string code, string detail, string? field = null, IDictionary<string, object?>? extra = null) =>
        Of(ErrorCodes.Status(code), code, detail, field, extra);

    public static IResult NotFound(string what) => Of(StatusCodes.Status404NotFound, "not_found", $"{what} not found");

    public static IResult Unauthorized() =>
        Of(StatusCodes.Status401Unauthorized, "unauthorized", "send 'Authorization: Bearer <admin token or API key>'");

    public static IResult Forbidden(string detail) => Of(StatusCodes.Status403Forbidden, "forbidden", detail);

    public static IResult Budget(BudgetDenial denial) => Of(StatusCodes.Status402PaymentRequired, "budget_exceeded", denial.Message, null, DenialFields(denial));

    /// <summary>Who refused, as fields: every 402 carries them (REST problems and the gateway's error alike).</summary>
    public static Dictionary<string, object?> DenialFields(BudgetDenial denial)
    {
        ArgumentNullException.ThrowIfNull(denial);
        return new Dictionary<string, object?>
        {
            ["scope"] = denial.Scope,
            ["window"] = denial.Window.ToString().ToLowerInvariant(),
            ["spent_cents"] = denial.SpentCents,
            ["reserved_cents"] = denial.ReservedCents,
            ["limit_cents"] = denial.LimitCents,
            ["requested_cents"] = denial.RequestedCents,
        };
    }

    /// <summary>A failed invocation or run error as a problem: budget → 402, no provider → 503, the rest → 502/422.</summary>
    public static IResult FromRunError(RunError error)
    {
        var status = error.Code switch
        {
            "budget_exceeded" => StatusCodes.Status402PaymentRequired,
            "no_provider" => StatusCodes.Status503ServiceUnavailable,
            "provider_failed" => StatusCodes.Status502BadGateway,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        var extra = error.Denial is { } denial ? DenialFields(denial) : error.Scope is null ? null : new Dictionary<string, object?> { ["scope"] = error.Scope };
        return Of(status, error.Code, error.Message, error.Field, extra);
    }

    private static string Title(string code) => code switch
    {
        "budget_exceeded" => "Budget exceeded",
        "no_provider" => "No provider available",
        "invalid_pipeline" => "Invalid pipeline",
        "invalid_json" => "Malformed JSON",
        "invalid_request" => "Invalid request",
        "payload_too_large" => "Request body too large",
        "store_unavailable" => "Store unavailable",
        "unauthorized" => "Unauthorized",
        "forbidden" => "Forbidden",
        "not_found" => "Not found",
        ErrorCodes.IdempotencyConflict => "Idempotency key reused for a different request",
        ErrorCodes.ReservationStateConflict => "Reservation already settled otherwise",
        _ => code.Replace('_', ' '),
    };
}
