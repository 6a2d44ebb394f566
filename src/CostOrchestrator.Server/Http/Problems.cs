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

    private static IResult Of(int status, string code, string detail, string? field = null, IDictionary<string, object?>? extra = null)
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
        Of(ErrorCodes.Status(code), code, string.Join("; ", errors.Select(e => e.ToString())), errors.FirstOrDefault()?.Field,
            new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList() });

    public static IResult Invalid(string field, string message) => Validation(ErrorCodes.InvalidRequest, [new FieldError(field, message)]);

    /// <summary>A problem whose status is its code's (<see cref="ErrorCodes.Status"/>).</summary>
    public static IResult Of(string code, string detail, string? field = null, IDictionary<string, object?>? extra = null) =>
        Of(ErrorCodes.Status(code), code, detail, field, extra);

    public static IResult NotFound(string what) => Of(ErrorCodes.NotFound, $"{what} not found");

    public static IResult Unauthorized() =>
        Of(ErrorCodes.Unauthorized, "send 'Authorization: Bearer <admin token or API key>'");

    public static IResult Forbidden(string detail) => Of(ErrorCodes.Forbidden, detail);

    public static IResult Budget(BudgetDenial denial) => Of(ErrorCodes.BudgetExceeded, denial.Message, null, DenialFields(denial));

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

    /// <summary>A failed invocation as a problem: budget → 402, no provider → 503, every provider failed → 502.</summary>
    public static IResult FromRunError(RunError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var extra = error.Denial is { } denial ? DenialFields(denial) : error.Scope is null ? null : new Dictionary<string, object?> { ["scope"] = error.Scope };
        return Of(RunErrorCodes.OfInvocation(error.Code), error.Message, error.Field, extra);
    }

    private static string Title(string code) => code switch
    {
        ErrorCodes.BudgetExceeded => "Budget exceeded",
        ErrorCodes.NoProvider => "No provider available",
        ErrorCodes.InvalidPipeline => "Invalid pipeline",
        ErrorCodes.InvalidJson => "Malformed JSON",
        ErrorCodes.InvalidRequest => "Invalid request",
        ErrorCodes.PayloadTooLarge => "Request body too large",
        ErrorCodes.StoreUnavailable => "Store unavailable",
        ErrorCodes.Unauthorized => "Unauthorized",
        ErrorCodes.Forbidden => "Forbidden",
        ErrorCodes.NotFound => "Not found",
        ErrorCodes.IdempotencyConflict => "Idempotency key reused for a different request",
        ErrorCodes.ReservationStateConflict => "Reservation already settled otherwise",
        _ => code.Replace('_', ' '),
    };
}
