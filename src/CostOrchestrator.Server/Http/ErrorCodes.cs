using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Server.Http;

/// <summary>
/// The <c>code</c> of every problem the REST API answers with, each mapped to the one HTTP status it is sent with.
/// README's error-code list is this table.
/// </summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidJson = "invalid_json";
    public const string InvalidBudget = "invalid_budget";
    public const string InvalidPipeline = "invalid_pipeline";
    public const string InvalidProvider = "invalid_provider";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string UnknownCapability = "unknown_capability";
    public const string BudgetExceeded = RunErrorCodes.BudgetExceeded;
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string ReservationStateConflict = "reservation_state_conflict";
    public const string PayloadTooLarge = "payload_too_large";
    public const string NoProvider = RunErrorCodes.NoProvider;
    public const string ProviderFailed = RunErrorCodes.ProviderFailed;
    public const string StoreUnavailable = "store_unavailable";
    public const string InternalError = "internal_error";

    /// <summary>The status a code is sent with.</summary>
    public static int Status(string code) => code switch
    {
        InvalidRequest or InvalidJson or InvalidBudget or InvalidPipeline or InvalidProvider => StatusCodes.Status400BadRequest,
        Unauthorized => StatusCodes.Status401Unauthorized,
        BudgetExceeded => StatusCodes.Status402PaymentRequired,
        Forbidden => StatusCodes.Status403Forbidden,
        NotFound or UnknownCapability => StatusCodes.Status404NotFound,
        IdempotencyConflict or ReservationStateConflict => StatusCodes.Status409Conflict,
        PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ProviderFailed => StatusCodes.Status502BadGateway,
        NoProvider or StoreUnavailable => StatusCodes.Status503ServiceUnavailable,
        InternalError => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status422UnprocessableEntity,
    };
}
