using System.Globalization;
using System.Net;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Serialization;

namespace CostOrchestrator.Client.Http;

/// <summary>
/// An error response as the node writes it (RFC 7807 problem+json with <c>code</c>, <c>field</c>, <c>errors</c> and,
/// for a budget denial, <c>scope</c>, <c>window</c>, <c>spent_cents</c>, <c>reserved_cents</c>, <c>limit_cents</c>,
/// <c>requested_cents</c>), or what can be said about a response that is not one (a proxy's HTML page).
/// </summary>
internal sealed class Problem
{
    private readonly JsonElement? _body;

    private Problem(HttpStatusCode status, JsonElement? body, string fallbackDetail)
    {
        Status = status;
        _body = body;
        Code = String("code");
        Field = String("field");
        Detail = String("detail") ?? String("title") ?? fallbackDetail;
        Errors = body is { } b && b.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? errors.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object)
                .Select(e => new ApiFieldError { Field = Text(e, "field") ?? "$", Message = Text(e, "message") ?? string.Empty })
                .ToList()
            : [];
    }

    public HttpStatusCode Status { get; }

    public string? Code { get; }

    public string? Field { get; }

    public string Detail { get; }

    public IReadOnlyList<ApiFieldError> Errors { get; }

    /// <summary>True for the node's "no such thing" answer (not a 404 from a wrong base address, which has no problem code).</summary>
    public bool IsNotFound => Status == HttpStatusCode.NotFound && Code == "not_found";

    public static async Task<Problem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var fallback = response.ReasonPhrase is { Length: > 0 } reason ? reason : response.StatusCode.ToString();
        if (response.Content.Headers.ContentType?.MediaType is not { } mediaType || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return new Problem(response.StatusCode, null, fallback);
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(
                await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
            return new Problem(response.StatusCode, document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null, fallback);
        }
        catch (JsonException)
        {
            // A broken error body must not hide the status: report what we know.
            return new Problem(response.StatusCode, null, fallback);
        }
    }

    public CostOrchestratorApiException ToException(string request) => new(Status, Code, Field, Detail, Errors, request);

    /// <summary>The denial carried by a 402 <c>budget_exceeded</c>, or null when the body does not have its fields.</summary>
    public BudgetDenial? ToDenial()
    {
        if (Code != Abstractions.Pipelines.RunErrorCodes.BudgetExceeded || String("scope") is not { } scope || String("window") is not { } window)
        {
            return null;
        }

        WindowKind kind;
        try
        {
            kind = JsonSerializer.Deserialize<WindowKind>(JsonSerializer.Serialize(window), CostOrchestratorJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }

        return Number("spent_cents") is { } spent && Number("reserved_cents") is { } reserved
            && Number("limit_cents") is { } limit && Number("requested_cents") is { } requested
            ? new BudgetDenial { Scope = scope, Window = kind, SpentCents = spent, ReservedCents = reserved, LimitCents = limit, RequestedCents = requested }
            : null;
    }

    private string? String(string name) => _body is { } body ? Text(body, name) : null;

    private decimal? Number(string name) =>
        _body is { } body && body.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetDecimal(out var d) => d,
                JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
                _ => null,
            }
            : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
