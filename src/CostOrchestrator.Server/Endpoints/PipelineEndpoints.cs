using CostOrchestrator.Grains.Pipelines;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Storage;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>Pipelines (stored by id, JSON or the short YAML form) and runs (submit, wait or poll, list, cancel).</summary>
public static class PipelineEndpoints
{
    public static void MapPipelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/pipelines/{id}", async (string id, HttpRequest request, PipelineService pipelines, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            string document;
            try
            {
                document = await reader.ReadToEndAsync(ct);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Problems.Of(ErrorCodes.PayloadTooLarge, "the request body is larger than the node accepts");
            }

            var parsed = await pipelines.ParseAsync(document, id, ct);
            if (!parsed.IsValid)
            {
                return Problems.Validation(ErrorCodes.InvalidPipeline, parsed.Errors);
            }

            if (parsed.Pipeline!.Id != id)
            {
                return Problems.Validation(ErrorCodes.InvalidPipeline, [new FieldError("id", $"'{parsed.Pipeline.Id}' does not match the path ('{id}')")]);
            }

            await pipelines.SaveAsync(parsed.Pipeline, ct);
            return Results.Ok(parsed.Pipeline);
        }).RequireAdmin().Accepts<PipelineDefinition>("application/json", "application/yaml").Answers<PipelineDefinition>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge);

        app.MapGet("/v1/pipelines", async (ICostOrchestratorStore store, CancellationToken ct) => TypedResults.Ok(await store.GetPipelinesAsync(ct))).RequireCaller();

        app.MapGet("/v1/pipelines/{id}", async (string id, ICostOrchestratorStore store, CancellationToken ct) =>
            await store.GetPipelineAsync(id, ct) is { } pipeline ? Results.Ok(pipeline) : Problems.NotFound($"pipeline '{id}'")).RequireCaller();

        app.MapPost("/v1/pipelines/{id}/runs", async (string id, HttpRequest request, HttpContext context, IGrainFactory grains, ICostOrchestratorStore store, PipelineService pipelines, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<RunBody>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            var pipeline = await store.GetPipelineAsync(id, ct);
            return pipeline is null ? Problems.NotFound($"pipeline '{id}'") : await SubmitAsync(pipeline, body!.Input, body.Wait, context, grains, pipelines, ct);
        }).RequireCaller().Documents<RunBody, RunRecord>(StatusCodes.Status202Accepted, StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status402PaymentRequired, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);

        app.MapPost("/v1/runs", async (HttpRequest request, HttpContext context, IGrainFactory grains, PipelineService pipelines, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<InlineRunBody>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            var parsed = await pipelines.ParseAsync(body!.Pipeline.GetRawText(), null, ct);
            if (!parsed.IsValid)
            {
                return Problems.Validation(ErrorCodes.InvalidPipeline, parsed.Errors.Select(e => e with { Field = "pipeline." + e.Field.TrimStart('$').TrimStart('.') }).ToList());
            }

            return await SubmitAsync(parsed.Pipeline!, body.Input, body.Wait, context, grains, pipelines, ct);
        }).RequireCaller().Documents<InlineRunBody, RunRecord>(StatusCodes.Status202Accepted, StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status402PaymentRequired, StatusCodes.Status413PayloadTooLarge);

        app.MapPost("/v1/pipelines/{id}/explain", async (string id, HttpRequest request, ICostOrchestratorStore store, PipelineExplainer explainer, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<RunBody>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            var pipeline = await store.GetPipelineAsync(id, ct);
            return pipeline is null ? Problems.NotFound($"pipeline '{id}'") : await ExplainAsync(pipeline, body!.Input, explainer, ct);
        }).RequireCaller().Documents<RunBody, PipelineExplanation>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);

        app.MapPost("/v1/explain", async (HttpRequest request, PipelineService pipelines, PipelineExplainer explainer, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<InlineRunBody>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            var parsed = await pipelines.ParseAsync(body!.Pipeline.GetRawText(), null, ct);
            return parsed.IsValid
                ? await ExplainAsync(parsed.Pipeline!, body.Input, explainer, ct)
                : Problems.Validation(ErrorCodes.InvalidPipeline, parsed.Errors.Select(e => e with { Field = "pipeline." + e.Field.TrimStart('$').TrimStart('.') }).ToList());
        }).RequireCaller().Documents<InlineRunBody, PipelineExplanation>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge);

        app.MapGet("/v1/runs/{id}", async (string id, HttpContext context, IGrainFactory grains, CancellationToken ct) =>
        {
            var run = await grains.GetGrain<IPipelineRunGrain>(id).GetAsync(ct);
            return run is not null && CanSee(context.Caller(), run) ? Results.Ok(run) : Problems.NotFound($"run '{id}'");
        }).RequireCaller();

        // Live progress as a long poll: answered when the run changes after revision `after` (a step starts or ends, the
        // run finishes), after about 15 s without change, or at once once the run is no longer running.
        app.MapGet("/v1/runs/{id}/updates", async (string id, long? after, HttpContext context, IGrainFactory grains, CancellationToken ct) =>
        {
            var grain = grains.GetGrain<IPipelineRunGrain>(id);
            var run = await grain.GetAsync(ct);
            return run is not null && CanSee(context.Caller(), run) ? Results.Ok(await grain.WatchAsync(after ?? -1, ct)) : Problems.NotFound($"run '{id}'");
        }).RequireCaller().Answers<RunUpdate>(StatusCodes.Status200OK, StatusCodes.Status404NotFound);

        app.MapGet("/v1/runs", async (string? pipeline, string? status, int? limit, int? offset, HttpContext context, ICostOrchestratorStore store, CancellationToken ct) =>
        {
            RunStatus? parsedStatus = null;
            if (status is not null)
            {
                try
                {
                    parsedStatus = JsonSerializer.Deserialize<RunStatus>($"\"{status}\"", Abstractions.Serialization.CostOrchestratorJson.Options);
                }
                catch (JsonException)
                {
                    return Problems.Invalid("status", "must be pending, running, queued, succeeded, failed, budget_rejected or cancelled");
                }
            }

            if (limit is < 1 or > 500 || offset is < 0)
            {
                return Problems.Invalid(limit is < 1 or > 500 ? "limit" : "offset", "limit is 1..500, offset 0 or more");
            }

            var runs = await store.ListRunsAsync(new RunQuery { PipelineId = pipeline, Status = parsedStatus, Limit = limit ?? 50, Offset = offset ?? 0 }, ct);
            var caller = context.Caller();
            return Results.Ok(runs.Where(r => CanSee(caller, r)).Select(Summary));
        }).RequireCaller();

        app.MapPost("/v1/runs/{id}/cancel", async (string id, HttpContext context, IGrainFactory grains, CancellationToken ct) =>
        {
            var grain = grains.GetGrain<IPipelineRunGrain>(id);
            var run = await grain.GetAsync(ct);
            if (run is null || !CanSee(context.Caller(), run))
            {
                return Problems.NotFound($"run '{id}'");
            }

            return Results.Ok(await grain.CancelAsync(ct));
        }).RequireCaller().Answers<RunRecord>(StatusCodes.Status200OK, StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> SubmitAsync(PipelineDefinition pipeline, JsonElement? input, bool wait, HttpContext context, IGrainFactory grains, PipelineService pipelines, CancellationToken ct)
    {
        var (scopes, scopeError) = ScopeBinding.Apply(pipeline.Scopes, context.Caller());
        if (scopeError is not null)
        {
            return Problems.Forbidden(scopeError);
        }

        var bound = pipeline with { Scopes = scopes! };
        if (!context.Caller().CanCharge(Core.Budget.ScopeChain.For(bound.Scopes, bound.Id, null, null, null)))
        {
            return Problems.Forbidden("this key may not charge this pipeline's scopes");
        }

        var submitted = await pipelines.SubmitAsync(bound, input, null, ct);
        if (submitted.Run is null)
        {
            return Problems.Validation(ErrorCodes.InvalidPipeline, submitted.Errors);
        }

        if (!wait)
        {
            return Results.Accepted($"/v1/runs/{submitted.Run.RunId}", submitted.Run);
        }

        return Results.Ok(await grains.GetGrain<IPipelineRunGrain>(submitted.Run.RunId).WaitAsync(ct));
    }

    private static async Task<IResult> ExplainAsync(PipelineDefinition pipeline, JsonElement? input, PipelineExplainer explainer, CancellationToken ct)
    {
        var errors = PipelineParser.ValidateInput(pipeline, input);
        return errors.Count > 0
            ? Problems.Validation(ErrorCodes.InvalidPipeline, errors)
            : Results.Ok(await explainer.ExplainAsync(pipeline, input, ct));
    }

    private static bool CanSee(Caller caller, RunRecord run) => caller.IsAdmin || run.Scopes.Any(caller.CanRead);

    // The list shows what a table needs; the full record (steps, decisions) is at /v1/runs/{id}.
    private static object Summary(RunRecord r) => new
    {
        run_id = r.RunId,
        pipeline_id = r.PipelineId,
        status = r.Status,
        created_at = r.CreatedAt,
        started_at = r.StartedAt,
        completed_at = r.CompletedAt,
        total_cost_cents = r.TotalCostCents,
        estimated_cost_cents = r.EstimatedCostCents,
        budget_limit_cents = r.BudgetLimitCents,
        cache_hits = r.CacheHits,
        cache_misses = r.CacheMisses,
        saved_by_cache_cents = r.SavedByCacheCents,
        error = r.Error,
    };

    /// <summary>POST /v1/pipelines/{id}/runs.</summary>
    public sealed record RunBody
    {
        public JsonElement? Input { get; init; }

        public bool Wait { get; init; }
    }

    /// <summary>POST /v1/runs.</summary>
    public sealed record InlineRunBody
    {
        public required JsonElement Pipeline { get; init; }

        public JsonElement? Input { get; init; }

        public bool Wait { get; init; }
    }
}
