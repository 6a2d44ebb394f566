using CostOrchestrator.Storage;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Core.Routing;
using CostOrchestrator.Grains.Invocation;
using CostOrchestrator.Grains.Registry;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>
/// The OpenAI-compatible gateway: existing applications get budgets by changing one base URL. <c>model</c> names a
/// provider model (or provider id) or a capability (<c>auto</c>, <c>llm-chat</c>) routed by budget, complexity
/// (<c>X-Task-Complexity</c>) and health; scopes come from the API key and <c>X-Budget-Scope</c>.
/// </summary>
public static partial class OpenAiEndpoints
{
    private const string Capability = "llm-chat";

    public static void MapOpenAiEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", async (RegistryCopy registry, CancellationToken ct) =>
        {
            var providers = await registry.GetProvidersAsync(Capability, ct);
            var models = new List<object> { Model("auto", "costorchestrator"), Model(Capability, "costorchestrator") };
            models.AddRange(providers.Where(p => p.Health != ProviderHealth.Down).Select(p => Model(p.Model ?? p.ProviderId, p.ProviderId)));
            return Results.Ok(new { @object = "list", data = models });
        }).AddEndpointFilter(OpenAiAuth);

        app.MapPost("/v1/chat/completions", async (HttpRequest request, HttpContext context, RegistryCopy registry, InvocationExecutor executor, CancellationToken ct) =>
        {
            var (body, error) = await ReadRequestAsync(request, ct);
            if (error is not null)
            {
                return error;
            }

            var model = body!["model"]?.GetValue<string>() ?? "auto";
            var (requested, headerError) = RequestHeaders.BudgetScopes(request);
            var (complexity, complexityError) = RequestHeaders.Complexity(request);
            var (useCache, cacheError) = RequestHeaders.UseCache(request);
            var (idempotencyKey, keyError) = RequestHeaders.IdempotencyKeyOrNew(request);
            if ((headerError ?? complexityError ?? cacheError ?? keyError) is { } invalidHeader)
            {
                return GatewayErrors.Error(GatewayErrors.InvalidHeader, invalidHeader.ToString(), invalidHeader.Header);
            }

            var (scopes, scopeError) = ScopeBinding.Apply(requested, context.Caller());
            if (scopeError is not null)
            {
                return GatewayErrors.Error(GatewayErrors.Forbidden, scopeError);
            }

            // This silo's copy of the registry: no grain call on the request path.
            var providers = await registry.GetProvidersAsync(Capability, ct);
            IReadOnlyCollection<string>? only = null;
            if (model is not ("auto" or Capability))
            {
                only = providers.Where(p => p.ProviderId == model || p.Model == model).Select(p => p.ProviderId).ToList();
                if (only.Count == 0)
                {
                    return GatewayErrors.Error(GatewayErrors.ModelNotFound, $"The model '{model}' does not exist; use 'auto', '{Capability}' or one of GET /v1/models.", "model");
                }
            }

            if (!context.Caller().CanCharge(ScopeChain.For(scopes, null, Capability, null, null)))
            {
                return GatewayErrors.Error(GatewayErrors.Forbidden, "this key may not charge these scopes");
            }

            var stream = body["stream"]?.GetValue<bool>() == true;
            body.Remove("stream");
            body.Remove("stream_options");
            var inputs = JsonSerializer.SerializeToElement(body);
            var invocation = new InvocationContext
            {
                Capability = Capability,
                Inputs = inputs,
                MinQuality = Router.QualityFor(complexity, null),
                Scopes = scopes,
                OnlyProviders = only,
                UseCache = useCache,
                IdempotencyPrefix = "chat/" + context.Caller().IdempotencyNamespace + idempotencyKey,
                // Nobody can replay a call without a key of their own: it may be decided in this silo's budget slice.
                MayUseSlice = !request.Headers.ContainsKey(RequestHeaders.IdempotencyKey),
            };

            if (stream)
            {
                var streamed = await StreamAsync(executor, invocation with { UseCache = false }, body, context.Response, ct);
                if (streamed is not null)
                {
                    return streamed;
                }
            }

            var outcome = await executor.InvokeAsync(invocation, ct);
            if (!outcome.Succeeded)
            {
                return GatewayErrors.FromRunError(outcome.Error!);
            }

            var record = outcome.Record!;
            context.Response.Headers["X-Cost-Cents"] = record.ActualCents.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-Provider-Id"] = record.ProviderId;
            context.Response.Headers["X-Cache-Hit"] = record.CacheHit ? "true" : "false";
            var provider = providers.FirstOrDefault(p => p.ProviderId == record.ProviderId);
            var completion = Completion(outcome.Result!.Value, record.InvocationId, provider?.Model ?? record.ProviderId ?? model, record.Tokens, inputs);
            if (!stream)
            {
                return Results.Json(completion);
            }

            // The provider answered in one piece (or from cache): replay it as the SSE stream the client asked for.
            await WriteAsStreamAsync(context.Response, completion, ct);
            return Results.Empty;
        }).AddEndpointFilter(OpenAiAuth)
            .Accepts<JsonObject>("application/json")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json", "text/event-stream")
            .Produces<JsonObject>(StatusCodes.Status400BadRequest).Produces<JsonObject>(StatusCodes.Status401Unauthorized)
            .Produces<JsonObject>(StatusCodes.Status402PaymentRequired).Produces<JsonObject>(StatusCodes.Status403Forbidden)
            .Produces<JsonObject>(StatusCodes.Status404NotFound).Produces<JsonObject>(StatusCodes.Status413PayloadTooLarge)
            .Produces<JsonObject>(StatusCodes.Status502BadGateway).Produces<JsonObject>(StatusCodes.Status503ServiceUnavailable);
    }

    // True pass-through when the chosen provider streams: the provider and the worst case reserved go out as headers
    // before the first byte; lines go to the client as they arrive; the upstream's [DONE] is held back until the cost
    // is committed, then preceded by one more chunk whose usage carries cost_cents.
    private static async Task<IResult?> StreamAsync(InvocationExecutor executor, InvocationContext invocation, JsonObject body, HttpResponse response, CancellationToken ct)
    {
        var done = false;
        void Start(ProviderRecord provider, decimal reservedCents)
        {
            response.Headers["X-Provider-Id"] = provider.ProviderId;
            response.Headers["X-Cache-Hit"] = "false";
            response.Headers["X-Reserved-Cents"] = reservedCents.ToString(CultureInfo.InvariantCulture);
        }

        async Task Forward(ReadOnlyMemory<byte> line, CancellationToken token)
        {
            if (!response.HasStarted)
            {
                response.ContentType = "text/event-stream";
                response.Headers.CacheControl = "no-cache";
            }

            if (line.Span.SequenceEqual("data: [DONE]"u8))
            {
                done = true;
                return;
            }

            await response.Body.WriteAsync(line, token);
            await response.Body.WriteAsync("\n\n"u8.ToArray(), token);
            await response.Body.FlushAsync(token);
        }

        var outcome = await executor.StreamChatAsync(invocation, JsonSerializer.SerializeToElement(body), Forward, Start, ct);
        if (outcome is null)
        {
            return null;
        }

        if (!outcome.Succeeded && !response.HasStarted)
        {
            return GatewayErrors.FromRunError(outcome.Error!);
        }

        if (outcome.Record is { } record && !ct.IsCancellationRequested)
        {
            // A data event a client reads like the upstream's usage chunk: no choices, usage with the committed cost.
            var tokens = record.Tokens;
            var final = new JsonObject
            {
                ["id"] = record.InvocationId,
                ["object"] = "chat.completion.chunk",
                ["created"] = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
                ["model"] = body["model"]?.GetValue<string>(),
                ["choices"] = new JsonArray(),
                ["usage"] = new JsonObject
                {
                    ["prompt_tokens"] = tokens?.Input ?? 0,
                    ["completion_tokens"] = tokens?.Output ?? 0,
                    ["total_tokens"] = (tokens?.Input ?? 0) + (tokens?.Output ?? 0),
                    ["cost_cents"] = record.ActualCents,
                    ["provider_id"] = record.ProviderId,
                },
            };
            await response.WriteAsync($"data: {final.ToJsonString()}\n\n", ct);
            if (done)
            {
                await response.WriteAsync("data: [DONE]\n\n", ct);
            }
        }

        return Results.Empty;
    }

    private static object Model(string id, string owner) => new { id, @object = "model", created = 0, owned_by = owner };

    // OpenAI clients expect OpenAI-shaped errors, including for authentication.
    private static async ValueTask<object?> OpenAiAuth(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = await http.RequestServices.GetRequiredService<ApiKeyService>()
            .AuthenticateAsync(http.Request, http.RequestServices.GetRequiredService<ICostOrchestratorStore>(), http.RequestAborted);
        if (!caller.IsAuthenticated)
        {
            return GatewayErrors.Error(GatewayErrors.InvalidApiKey, "Incorrect or missing API key: send 'Authorization: Bearer <key>'.");
        }

        http.Items["costorch.caller"] = caller;
        return await next(context);
    }

    private static async Task<(JsonObject? Body, IResult? Error)> ReadRequestAsync(HttpRequest request, CancellationToken ct)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            return (null, GatewayErrors.Error(GatewayErrors.InvalidJson, $"We could not parse the JSON body of your request: {ex.Message}"));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, GatewayErrors.Error(GatewayErrors.PayloadTooLarge, "The request body is too large."));
        }

        if (node is not JsonObject body)
        {
            return (null, GatewayErrors.Error(GatewayErrors.InvalidJson, "The body must be a JSON object."));
        }

        if (body["messages"] is not JsonArray { Count: > 0 })
        {
            return (null, GatewayErrors.Error(GatewayErrors.MissingRequiredParameter, "'messages' is required and must be a non-empty array.", "messages"));
        }

        if (body["model"] is { } model && model.GetValueKind() != JsonValueKind.String)
        {
            return (null, GatewayErrors.Error(GatewayErrors.InvalidType, "'model' must be a string.", "model"));
        }

        if (body["stream"] is { } stream && stream.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return (null, GatewayErrors.Error(GatewayErrors.InvalidType, "'stream' must be a boolean.", "stream"));
        }

        foreach (var name in new[] { "max_tokens", "max_completion_tokens" })
        {
            if (body[name] is { } max && (max.GetValueKind() != JsonValueKind.Number || !long.TryParse(max.ToJsonString(), out var value) || value < 1))
            {
                return (null, GatewayErrors.Error(GatewayErrors.InvalidValue, $"'{name}' must be a positive integer.", name));
            }
        }

        return (body, null);
    }

    private static JsonObject Completion(JsonElement result, string id, string model, Abstractions.Budget.TokenCounts? tokens, JsonElement inputs)
    {
        // An OpenAI-compatible upstream's own response is passed through; others are wrapped in the same shape.
        if (result.TryGetProperty("raw", out var raw) && raw.ValueKind == JsonValueKind.Object && raw.TryGetProperty("choices", out _))
        {
            return JsonNode.Parse(raw.GetRawText())!.AsObject();
        }

        var content = result.TryGetProperty("content", out var c) ? c.GetString() ?? string.Empty : result.GetRawText();
        var prompt = tokens?.Input ?? TokenEstimator.CountInputTokens(inputs);
        var completionTokens = tokens?.Output ?? TokenEstimator.ForText(content);
        return new JsonObject
        {
            ["id"] = "chatcmpl-" + id,
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completionTokens, ["total_tokens"] = prompt + completionTokens },
        };
    }

    private static async Task WriteAsStreamAsync(HttpResponse response, JsonObject completion, CancellationToken ct)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var choice = completion["choices"]![0]!.AsObject();
        var content = choice["message"]?["content"]?.GetValue<string>() ?? string.Empty;
        JsonObject Chunk(JsonObject delta, string? finish, JsonNode? usage) => new()
        {
            ["id"] = completion["id"]?.DeepClone(),
            ["object"] = "chat.completion.chunk",
            ["created"] = completion["created"]?.DeepClone(),
            ["model"] = completion["model"]?.DeepClone(),
            ["choices"] = usage is null ? new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }) : new JsonArray(),
            ["usage"] = usage,
        };

        foreach (var chunk in new[]
        {
            Chunk(new JsonObject { ["role"] = "assistant", ["content"] = content }, null, null),
            Chunk(new JsonObject(), "stop", null),
            Chunk(new JsonObject(), null, completion["usage"]?.DeepClone()),
        })
        {
            await response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", ct);
        }

        await response.WriteAsync("data: [DONE]\n\n", ct);
    }
}
