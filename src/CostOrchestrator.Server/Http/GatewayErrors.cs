using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Server.Http;

/// <summary>
/// The <c>error.code</c>s of the OpenAI-compatible gateway, each sent with one status and one OpenAI error
/// <c>type</c>, in OpenAI's error shape (clients written for OpenAI read them). README's gateway list is this table.
/// </summary>
public static class GatewayErrors
{
    public const string InvalidApiKey = "invalid_api_key";
    public const string InvalidJson = "invalid_json";
    public const string InvalidType = "invalid_type";
    public const string InvalidValue = "invalid_value";
    public const string InvalidHeader = "invalid_header";
    public const string MissingRequiredParameter = "missing_required_parameter";
    public const string PayloadTooLarge = "payload_too_large";
    public const string Forbidden = "forbidden";
    public const string ModelNotFound = "model_not_found";
    public const string BudgetExceeded = RunErrorCodes.BudgetExceeded;
    public const string NoProvider = RunErrorCodes.NoProvider;
    public const string ProviderFailed = RunErrorCodes.ProviderFailed;

    /// <summary>The status and OpenAI error type a code is sent with.</summary>
    public static (int Status, string Type) Of(string code) => code switch
    {
        InvalidJson or InvalidType or InvalidValue or InvalidHeader or MissingRequiredParameter => (StatusCodes.Status400BadRequest, "invalid_request_error"),
        InvalidApiKey => (StatusCodes.Status401Unauthorized, "invalid_request_error"),
        BudgetExceeded => (StatusCodes.Status402PaymentRequired, "insufficient_quota"),
        Forbidden => (StatusCodes.Status403Forbidden, "permission_denied"),
        ModelNotFound => (StatusCodes.Status404NotFound, "invalid_request_error"),
        PayloadTooLarge => (StatusCodes.Status413PayloadTooLarge, "invalid_request_error"),
        NoProvider => (StatusCodes.Status503ServiceUnavailable, "api_error"),
        _ => (StatusCodes.Status502BadGateway, "api_error"),
    };

    /// <summary>An error body: OpenAI's <c>message</c>, <c>type</c>, <c>code</c>, <c>param</c>, plus the scope that refused.</summary>
    public static IResult Error(string code, string message, string? param = null, string? scope = null, BudgetDenial? denial = null)
    {
        var (status, type) = Of(code);
        var error = new Dictionary<string, object?> { ["message"] = message, ["type"] = type, ["code"] = code, ["param"] = param, ["scope"] = scope };
        if (denial is not null)
        {
            // A budget refusal says who refused (window, spent, reserved, limit, requested) as fields, like a REST 402.
            foreach (var (field, value) in Problems.DenialFields(denial))
            {
                error[field] = value;
            }
        }

        return Results.Json(new { error }, statusCode: status);
    }

    /// <summary>A failed invocation as a gateway error (its code decides the status).</summary>
    public static IResult FromRunError(RunError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Error(RunErrorCodes.OfInvocation(error.Code), error.Message, error.Field, error.Scope, error.Denial);
    }
}
