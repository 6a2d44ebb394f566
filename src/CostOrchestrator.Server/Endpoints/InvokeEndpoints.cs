using CostOrchestrator.Grains.Pipelines;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Invocation;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Core.Routing;
using CostOrchestrator.Grains.Invocation;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>POST /v1/capabilities/{capability}/invoke: one routed, budgeted, cached invocation.</summary>
public static class InvokeEndpoints
{
    public static void MapInvokeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/capabilities/{capability}/invoke", async (string capability, HttpRequest request, HttpContext context, PipelineService pipelines, InvocationExecutor executor, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<InvokeRequest>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.Inputs is { } inputs && inputs.ValueKind != JsonValueKind.Object)
            {
                return Problems.Invalid("inputs", "must be an object");
            }

            if (body.BudgetCents is { } budgetCents && !Cents.IsValid(budgetCents))
            {
                return Problems.Invalid("budget_cents", Cents.RangeText);
            }

            if (body.MinQuality is < 1 or > 3)
            {
                return Problems.Invalid("min_quality", "must be 1, 2 or 3");
            }

            var capabilities = await pipelines.CapabilitiesAsync(ct);
            if (!capabilities.Contains(capability))
            {
                return Problems.Of(ErrorCodes.UnknownCapability, $"no provider serves '{capability}'", "capability");
            }

            var (key, keyError) = RequestHeaders.IdempotencyKeyOrNew(request);
            if (keyError is not null)
            {
                return Problems.Invalid(keyError.Header, keyError.Message);
            }

            var (scopes, scopeError) = ScopeBinding.Apply(body.Scopes, context.Caller());
            if (scopeError is not null)
            {
                return Problems.Forbidden(scopeError);
            }

            if (!context.Caller().CanCharge(ScopeChain.For(scopes, body.PipelineId, capability, null, null)))
            {
                return Problems.Forbidden("this key may not charge these scopes");
            }

            var outcome = await executor.InvokeAsync(new InvocationContext
            {
                Capability = capability,
                Inputs = body.Inputs ?? JsonSerializer.SerializeToElement(new Dictionary<string, object>()),
                StepBudgetCents = body.BudgetCents,
                Prefer = body.Prefer ?? RoutePreference.Cheapest,
                Fallback = body.Fallback == FallbackPolicy.Degrade ? FallbackPolicy.Degrade : FallbackPolicy.Reject,
                Priority = body.Priority ?? Priority.Normal,
                MinQuality = Router.QualityFor(body.Complexity, body.MinQuality),
                Escalate = body.Escalate,
                RetriesPerProvider = body.Retries ?? 1,
                Timeout = TimeSpan.FromSeconds(body.TimeoutSeconds ?? 120),
                UseCache = body.Cache ?? true,
                Scopes = scopes,
                PipelineId = body.PipelineId,
                IdempotencyPrefix = $"invoke/{context.Caller().IdempotencyNamespace}{key}",
            }, ct);

            if (!outcome.Succeeded)
            {
                return Problems.FromRunError(outcome.Error!);
            }

            var record = outcome.Record!;
            context.Response.Headers["X-Cost-Cents"] = record.ActualCents.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["X-Provider-Id"] = record.ProviderId;
            context.Response.Headers["X-Cache-Hit"] = record.CacheHit ? "true" : "false";
            return Results.Ok(new InvocationResult
            {
                Result = outcome.Result!.Value,
                Meta = new InvocationMeta
                {
                    CostCents = record.ActualCents,
                    EstimatedCents = record.EstimatedCents,
                    ProviderId = record.ProviderId!,
                    CacheHit = record.CacheHit,
                    SavedCents = record.SavedCents,
                    LatencyMs = record.LatencyMs,
                    InvocationId = record.InvocationId,
                    Tokens = record.Tokens ?? new TokenCounts(),
                },
            });
        }).RequireCaller().Documents<InvokeRequest, object>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status402PaymentRequired, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status502BadGateway);
    }
}
