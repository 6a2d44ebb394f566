using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Storage;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>Budgets, the reservation protocol and API keys.</summary>
public static class BudgetEndpoints
{
    public static void MapBudgetEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/budgets", async (HttpContext context, IGrainFactory grains, ICostOrchestratorStore store, BudgetSlices slices, CancellationToken ct) =>
        {
            // Read-your-writes on this node: calls it decided in its budget slices are charged before the read.
            await slices.FlushAsync(ct);
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

        app.MapGet("/v1/budgets/{scope}", async (string scope, HttpContext context, IGrainFactory grains, BudgetSlices slices, CancellationToken ct) =>
        {
            await slices.FlushAsync(ct);
            if (!ScopeChain.IsValid(scope))
            {
                return Problems.Invalid("scope", ScopeChain.FormText);
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
                ? Problems.Validation(ErrorCodes.InvalidBudget, errors)
                : Results.Ok(await grains.GetGrain<IBudgetGovernorGrain>(scope).SetPolicyAsync(policy, ct));
        }).RequireAdmin().Documents<BudgetPolicyBody, ScopeBudget>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge);

        app.MapPost("/v1/reservations", async (HttpRequest request, HttpContext context, IGrainFactory grains, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<ReservationRequest>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (ReservationRequestProblem(body!) is { } invalid)
            {
                return invalid;
            }

            // The chain is the server's: global and the key's own scopes are always in it, whatever the caller listed.
            var caller = context.Caller();
            var chain = ScopeChain.Complete(body!.Chain, caller.Key?.Scopes ?? []);
            if (!caller.CanCharge(chain))
            {
                return Problems.Forbidden("this key may not charge that chain: it names an org, team, project, user or work item the key is not bound to");
            }

            // Idempotency keys live in the caller's namespace, so no caller can read or collide with another's.
            var outcome = await Reservations(grains).ReserveAsync(body with { Chain = chain, IdempotencyKey = caller.IdempotencyNamespace + body.IdempotencyKey }, ct);
            if (outcome.Denial is { } denial)
            {
                return Problems.Budget(denial);
            }

            // A new reservation is always the request's; one that differs is an earlier request's under the same key.
            var reservation = outcome.Reservation! with { IdempotencyKey = body.IdempotencyKey };
            if (IdempotencyConflict(reservation, body.AmountCents, chain) is { } conflict)
            {
                return conflict;
            }

            // A replay answers as the first request was answered.
            return Results.Created($"/v1/reservations/{reservation.ReservationId}", reservation);
        }).RequireCaller().Documents<ReservationRequest, Reservation>(StatusCodes.Status201Created, StatusCodes.Status400BadRequest, StatusCodes.Status402PaymentRequired, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);

        app.MapPost("/v1/reservations/{id}/commit", async (string id, HttpRequest request, HttpContext context, IGrainFactory grains, ICostOrchestratorStore store, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<CommitBody>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (!Cents.IsValid(body!.ActualCents))
            {
                return Problems.Invalid("actual_cents", Cents.RangeText);
            }

            var existing = await store.GetReservationAsync(id, ct);
            if (existing is null || !context.Caller().CanCharge(existing.Chain))
            {
                return Problems.NotFound($"reservation '{id}'");
            }

            if (existing.State == ReservationState.Released)
            {
                return StateConflict(existing, "commit");
            }

            var committed = await Reservations(grains).CommitAsync(id, body.ActualCents, body.Tokens, ct);
            return committed is { State: ReservationState.Released } ? StateConflict(committed, "commit") : Results.Ok(Unprefixed(committed, existing));
        }).RequireCaller().Documents<CommitBody, Reservation>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);

        app.MapPost("/v1/reservations/{id}/release", async (string id, HttpContext context, IGrainFactory grains, ICostOrchestratorStore store, CancellationToken ct) =>
        {
            var existing = await store.GetReservationAsync(id, ct);
            if (existing is null || !context.Caller().CanCharge(existing.Chain))
            {
                return Problems.NotFound($"reservation '{id}'");
            }

            if (existing.State is ReservationState.Committed or ReservationState.Unreconciled)
            {
                return StateConflict(existing, "release");
            }

            var released = await Reservations(grains).ReleaseAsync(id, ct);
            return released is { State: ReservationState.Committed or ReservationState.Unreconciled } ? StateConflict(released, "release") : Results.Ok(Unprefixed(released, existing));
        }).RequireCaller().Answers<Reservation>(StatusCodes.Status200OK, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

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
        }).RequireAdmin().Documents<KeyBody, object>(StatusCodes.Status201Created, StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge);

        app.MapGet("/v1/keys", async (ICostOrchestratorStore store, CancellationToken ct) => TypedResults.Ok(await store.GetApiKeysAsync(ct))).RequireAdmin();

        app.MapDelete("/v1/keys/{id}", async (string id, ICostOrchestratorStore store, ApiKeyService keys, CancellationToken ct) =>
            await keys.RevokeAsync(id, store, ct) ? Results.NoContent() : Problems.NotFound($"key '{id}'")).RequireAdmin();
    }

    // The coordinator on this silo: it asks the governor of every scope in the chain.
    private static IReservationCoordinatorGrain Reservations(IGrainFactory grains) =>
        grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);

    // The caller sees its key as it sent it.
    private static Reservation? Unprefixed(Reservation? reservation, Reservation existing) =>
        reservation is null ? null : reservation with { IdempotencyKey = Caller.WithoutNamespace(existing.IdempotencyKey) };

    // Every field of a reservation request checked before anything is asked of a governor; the first error names its field.
    private static IResult? ReservationRequestProblem(ReservationRequest body)
    {
        if (body.Chain is null || body.Chain.Count == 0)
        {
            return Problems.Invalid("chain", "must list one or more scopes");
        }

        for (var i = 0; i < body.Chain.Count; i++)
        {
            if (!ScopeChain.IsValid(body.Chain[i]))
            {
                return Problems.Invalid($"chain[{i}]", $"'{body.Chain[i]}' {ScopeChain.FormText}");
            }
        }

        if (!Cents.IsValid(body.AmountCents))
        {
            return Problems.Invalid("amount_cents", Cents.RangeText);
        }

        if (!IdempotencyKeys.IsValid(body.IdempotencyKey))
        {
            return Problems.Invalid("idempotency_key", "is required and " + IdempotencyKeys.RuleText);
        }

        return null;
    }

    // A replayed key must carry the request it was first used with; anything else is a different request.
    private static IResult? IdempotencyConflict(Reservation original, decimal amountCents, IReadOnlyList<string> chain)
    {
        var differs = new List<string>(2);
        if (original.AmountCents != amountCents)
        {
            differs.Add("amount_cents");
        }

        if (!original.Chain.SequenceEqual(chain, StringComparer.Ordinal))
        {
            differs.Add("chain");
        }

        return differs.Count == 0
            ? null
            : Problems.Of(ErrorCodes.IdempotencyConflict,
                $"idempotency_key '{original.IdempotencyKey}' was first used for {original.AmountCents} cents on [{string.Join(", ", original.Chain)}]; this request differs in {string.Join(" and ", differs)}",
                differs[0],
                new Dictionary<string, object?> { ["differs"] = differs, ["reservation_id"] = original.ReservationId, ["amount_cents"] = original.AmountCents, ["chain"] = original.Chain });
    }

    private static IResult StateConflict(Reservation reservation, string operation) =>
        Problems.Of(ErrorCodes.ReservationStateConflict,
            $"reservation '{reservation.ReservationId}' is {reservation.State.ToString().ToLowerInvariant()}; it cannot be {(operation == "commit" ? "committed" : "released")} now",
            null,
            new Dictionary<string, object?> { ["state"] = reservation.State.ToString().ToLowerInvariant(), ["reservation_id"] = reservation.ReservationId });

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
