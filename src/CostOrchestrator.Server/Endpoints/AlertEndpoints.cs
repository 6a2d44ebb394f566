using CostOrchestrator.Abstractions.Alerts;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Server.Http;
using CostOrchestrator.Server.Security;

namespace CostOrchestrator.Server.Endpoints;

/// <summary>
/// Alerts (<c>GET /v1/alerts</c>), their webhooks and thresholds (<c>/v1/alerts/settings</c>), the webhook outbox
/// and dead letters (<c>/v1/alerts/deliveries</c>), and an evaluation on demand. The alert monitor grain owns them.
/// </summary>
public static class AlertEndpoints
{
    /// <summary>What GET shows instead of a webhook's secret; sent back in a PUT it keeps the secret already set.</summary>
    public const string MaskedSecret = "********";

    public static void MapAlertEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/alerts", async (string? kind, string? scope, string? status, HttpContext context, IGrainFactory grains, CancellationToken ct) =>
        {
            if (kind is not null && !AlertKinds.All.Contains(kind, StringComparer.Ordinal))
            {
                return Problems.Invalid("kind", "must be one of " + string.Join(", ", AlertKinds.All));
            }

            if (status is not (null or "open" or "resolved"))
            {
                return Problems.Invalid("status", "must be open or resolved");
            }

            var alerts = await Monitor(grains).ListAsync(new AlertFilter { Kind = kind, Subject = scope, Open = status is null ? null : status == "open" }, ct);
            var caller = context.Caller();
            return Results.Ok(alerts.Where(a => CanSee(caller, a)));
        }).RequireCaller().Answers<IReadOnlyList<Alert>>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest);

        app.MapGet("/v1/alerts/settings", async (IGrainFactory grains, CancellationToken ct) => Results.Ok(Masked(await Monitor(grains).GetSettingsAsync(ct))))
            .RequireAdmin().Answers<AlertSettings>(StatusCodes.Status200OK);

        app.MapPut("/v1/alerts/settings", async (HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<AlertSettings>(request, ct);
            if (problem is not null)
            {
                return problem;
            }

            var errors = Validate(body!);
            if (errors.Count > 0)
            {
                return Problems.Validation(ErrorCodes.InvalidRequest, errors);
            }

            var monitor = Monitor(grains);
            var current = await monitor.GetSettingsAsync(ct);
            return Results.Ok(Masked(await monitor.SetSettingsAsync(KeepSecrets(body!, current), ct)));
        }).RequireAdmin().Documents<AlertSettings, AlertSettings>(StatusCodes.Status200OK, StatusCodes.Status400BadRequest);

        app.MapGet("/v1/alerts/deliveries", async (IGrainFactory grains, CancellationToken ct) => Results.Ok(await Monitor(grains).GetDeliveriesAsync(ct)))
            .RequireAdmin().Answers<WebhookQueue>(StatusCodes.Status200OK);

        // The reminder does this every minute; an operator (or a test) may not want to wait.
        app.MapPost("/v1/alerts/evaluate", async (IGrainFactory grains, CancellationToken ct) =>
        {
            var monitor = Monitor(grains);
            var changes = await monitor.EvaluateAsync(ct);
            await monitor.DeliverAsync(ct);
            return Results.Ok(changes);
        }).RequireAdmin().Answers<AlertChanges>(StatusCodes.Status200OK);
    }

    private static IAlertMonitorGrain Monitor(IGrainFactory grains) => grains.GetGrain<IAlertMonitorGrain>(IAlertMonitorGrain.Key);

    // A key sees the alerts of scopes it may read and every provider's; pipeline alerts (run ids, costs) are the admin's.
    private static bool CanSee(Caller caller, Alert alert) =>
        caller.IsAdmin || alert.Subject.StartsWith("provider:", StringComparison.Ordinal) || (!alert.Subject.StartsWith("pipeline:", StringComparison.Ordinal) && caller.CanRead(alert.Subject));

    private static AlertSettings Masked(AlertSettings settings) =>
        settings with { Webhooks = settings.Webhooks.Select(w => w.Secret is null ? w : w with { Secret = MaskedSecret }).ToList() };

    private static AlertSettings KeepSecrets(AlertSettings given, AlertSettings current) => given with
    {
        Webhooks = given.Webhooks.Select(w => w.Secret == MaskedSecret ? w with { Secret = current.Webhooks.FirstOrDefault(c => c.Url == w.Url)?.Secret } : w).ToList(),
    };

    private static List<FieldError> Validate(AlertSettings settings)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < settings.Webhooks.Count; i++)
        {
            var webhook = settings.Webhooks[i];
            if (webhook.Url is not { IsAbsoluteUri: true } url || url.Scheme is not ("http" or "https"))
            {
                errors.Add(new FieldError($"webhooks[{i}].url", "must be an absolute http(s) URL"));
            }

            if (webhook.Format is not (WebhookFormats.Slack or WebhookFormats.Generic))
            {
                errors.Add(new FieldError($"webhooks[{i}].format", "must be slack or generic"));
            }
        }

        Thresholds(settings.Pipelines, "pipelines", errors);
        foreach (var (pipeline, thresholds) in settings.PipelineOverrides)
        {
            Thresholds(thresholds, $"pipeline_overrides.{pipeline}", errors);
        }

        if (settings.PriceDriftTolerance is <= 0m or > 10m)
        {
            errors.Add(new FieldError("price_drift_tolerance", "must be above 0 and at most 10 (a fraction: 0.1 is 10 %)"));
        }

        if (settings.PriceStaleDays is < 1 or > 3650)
        {
            errors.Add(new FieldError("price_stale_days", "must be 1 to 3650"));
        }

        return errors;
    }

    private static void Thresholds(PipelineAlertThresholds thresholds, string path, List<FieldError> errors)
    {
        if (thresholds.AnomalyFactor is <= 1m or > 1000m)
        {
            errors.Add(new FieldError(path + ".anomaly_factor", "must be above 1 and at most 1000"));
        }

        if (thresholds.MinRuns is < 1 or > 10_000)
        {
            errors.Add(new FieldError(path + ".min_runs", "must be 1 to 10000"));
        }

        if (thresholds.RecentRuns < thresholds.MinRuns || thresholds.RecentRuns > 10_000)
        {
            errors.Add(new FieldError(path + ".recent_runs", "must be at least min_runs and at most 10000"));
        }

        if (thresholds.CacheHitRatioMin is < 0m or > 1m)
        {
            errors.Add(new FieldError(path + ".cache_hit_ratio_min", "must be 0 to 1"));
        }
    }
}
