using CostOrchestrator.Storage;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>Budgets, the reservation protocol and API keys.</summary>
public static class BudgetEndpoints
{
    public static void MapBudgetEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/budgets", async (HttpContext context, IGrainFactory grains, ICostOrchestratorStore store, CancellationToken ct) =>
        {
            var caller = context.Caller();
            var scopes = (await store.GetPoliciesAsync(ct)).Select(p => p.Scope).Where(caller.CanRead).ToList();
            var budgets = new List<ScopeBudget>(scopes.Count);
            foreach (var scope in scopes)
            {
                budgets.Add(await grains.GetGrain<IBudgetGovernorGrain>(scope).GetBudgetAsync(ct));
            }

            // The tightest first: that is what an operator looks for.
            return TypedResults.Ok(budgets.OrderByDescending(b => b.Windows.Select(w => w.PctConsumed).DefaultIfEmpty(0m).Max()).ThenBy(b => b.Scope, StringComparer.Ordinal));
        }).RequireCaller();

        app.MapGet("/v1/budgets/{scope}", async (string scope, HttpContext context, IGrainFactory grains, CancellationToken ct) =>
        {
            if (!ScopeChain.IsValid(scope))
            {
                return Problems.Invalid("scope", "must be 'global' or 'kind:value'");
            }

            return context.Caller().CanRead(scope)
                ? Results.Ok(await grains.GetGrain<IBudgetGovernorGrain>(scope).GetBudgetAsync(ct))
                : Problems.Forbidden($"this key may not read {scope}");
        }).RequireCaller();

        app.MapPut("/v1/budgets/{scope}", async (string scope, HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<BudgetPolicyBody>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            var policy = new BudgetPolicy { Scope = scope, Windows = body!.Windows, Thresholds = body.Thresholds ?? BudgetThresholds.Default, OverdraftCents = body.OverdraftCents };
            var errors = BudgetPolicyValidator.Validate(policy);
            return errors.Count > 0
                ? Problems.Validation("invalid_budget", errors)
                : Results.Ok(await grains.GetGrain<IBudgetGovernorGrain>(scope).SetPolicyAsync(policy, ct));
        }).RequireAdmin();

        app.MapPost("/v1/reservations", async (HttpRequest request, HttpContext context, IGrainFactory grains, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<ReservationRequest>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.Chain.Count == 0 || body.Chain.FirstOrDefault(s => !ScopeChain.IsValid(s)) is { } bad && bad is not null)
            {
                return Problems.Invalid("chain", "must list one or more scopes, each 'global' or 'kind:value'");
            }

            if (body.AmountCents < 0 || decimal.Round(body.AmountCents, 6) != body.AmountCents)
            {
                return Problems.Invalid("amount_cents", "must be a non-negative number of cents with at most six decimals");
            }

            if (string.IsNullOrWhiteSpace(body.IdempotencyKey) || body.IdempotencyKey.Length > 200)
            {
                return Problems.Invalid("idempotency_key", "is required (1-200 characters)");
            }

            if (!context.Caller().CanCharge(body.Chain))
            {
                return Problems.Forbidden("this key may not charge that chain: it must name the key's scopes and no other org, team, project, user or work item");
            }

            var outcome = await Reservations(grains).ReserveAsync(body, ct);
            return outcome.Denial is { } denial ? Problems.Budget(denial) : Results.Created($"/v1/reservations/{outcome.Reservation!.ReservationId}", outcome.Reservation);
        }).RequireCaller();

        app.MapPost("/v1/reservations/{id}/commit", async (string id, HttpRequest request, HttpContext context, IGrainFactory grains, ICostOrchestratorStore store, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<CommitBody>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.ActualCents < 0 || decimal.Round(body.ActualCents, 6) != body.ActualCents)
            {
                return Problems.Invalid("actual_cents", "must be a non-negative number of cents with at most six decimals");
            }

            var existing = await store.GetReservationAsync(id, ct);
            if (existing is null || !context.Caller().CanCharge(existing.Chain))
            {
                return Problems.NotFound($"reservation '{id}'");
            }

            return Results.Ok(await Reservations(grains).CommitAsync(id, body.ActualCents, body.Tokens, ct));
        }).RequireCaller();

        app.MapPost("/v1/reservations/{id}/release", async (string id, HttpContext context, IGrainFactory grains, ICostOrchestratorStore store, CancellationToken ct) =>
        {
            var existing = await store.GetReservationAsync(id, ct);
            if (existing is null || !context.Caller().CanCharge(existing.Chain))
            {
                return Problems.NotFound($"reservation '{id}'");
            }

            return Results.Ok(await Reservations(grains).ReleaseAsync(id, ct));
        }).RequireCaller();

        app.MapPost("/v1/keys", async (HttpRequest request, ICostOrchestratorStore store, ApiKeyService keys, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<KeyBody>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.Scopes.Count == 0 || body.Scopes.FirstOrDefault(s => !ScopeChain.IsValid(s) || s == ScopeChain.Global) is { } bad && bad is not null)
            {
                return Problems.Invalid("scopes", "must list one or more 'kind:value' scopes (a key cannot be bound to global)");
            }

            var (key, secret) = await keys.CreateAsync(body.Name, body.Scopes, store, ct);
            return Results.Created($"/v1/keys/{key.KeyId}", new { key, secret, note = "the secret is shown once and stored only as its SHA-256" });
        }).RequireAdmin();

        app.MapGet("/v1/keys", async (ICostOrchestratorStore store, CancellationToken ct) => TypedResults.Ok(await store.GetApiKeysAsync(ct))).RequireAdmin();

        app.MapDelete("/v1/keys/{id}", async (string id, ICostOrchestratorStore store, TimeProvider time, CancellationToken ct) =>
            await store.RevokeApiKeyAsync(id, time.GetUtcNow(), ct) ? Results.NoContent() : Problems.NotFound($"key '{id}'")).RequireAdmin();
    }

    // The coordinator on this silo: it asks the governor of every scope in the chain.
    private static IReservationCoordinatorGrain Reservations(IGrainFactory grains) =>
        grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);

    /// <summary>PUT /v1/budgets/{scope}.</summary>
    public sealed record BudgetPolicyBody
    {
        public required IReadOnlyList<BudgetWindowLimit> Windows { get; init; }

        public BudgetThresholds? Thresholds { get; init; }

        public decimal OverdraftCents { get; init; }
    }

    /// <summary>POST /v1/reservations/{id}/commit.</summary>
    public sealed record CommitBody
    {
        public required decimal ActualCents { get; init; }

        public TokenCounts? Tokens { get; init; }
    }

    /// <summary>POST /v1/keys.</summary>
    public sealed record KeyBody
    {
        public required string Name { get; init; }

        public required IReadOnlyList<string> Scopes { get; init; }
    }
}
