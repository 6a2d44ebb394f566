namespace CostOrchestrator.Abstractions.Alerts;

/// <summary>Where alerts are posted and the thresholds of the alerts that are not a budget's own.</summary>
[GenerateSerializer, Immutable, Alias("costorch.AlertSettings")]
public sealed record AlertSettings
{
    /// <summary>Webhooks every alert (firing and resolving) is posted to.</summary>
    [Id(0)]
    public IReadOnlyList<WebhookTarget> Webhooks { get; init; } = [];

    /// <summary>Thresholds for every pipeline without its own.</summary>
    [Id(1)]
    public PipelineAlertThresholds Pipelines { get; init; } = new();

    /// <summary>Per pipeline id: thresholds replacing the defaults.</summary>
    [Id(2)]
    public IReadOnlyDictionary<string, PipelineAlertThresholds> PipelineOverrides { get; init; } = new Dictionary<string, PipelineAlertThresholds>();

    /// <summary>Billed vs registry price beyond this fraction is drift. Default 0.10.</summary>
    [Id(3)]
    public decimal PriceDriftTolerance { get; init; } = 0.10m;

    /// <summary>A price older than this many days is stale. Default 30.</summary>
    [Id(4)]
    public int PriceStaleDays { get; init; } = 30;

    /// <summary>Scopes whose forecast alert is off (their budgets still warn, constrain and exhaust).</summary>
    [Id(5)]
    public IReadOnlyList<string> ForecastOffScopes { get; init; } = [];

    /// <summary>The thresholds that apply to a pipeline.</summary>
    public PipelineAlertThresholds For(string pipelineId) => PipelineOverrides.TryGetValue(pipelineId, out var own) ? own : Pipelines;
}

/// <summary>When a pipeline's runs are anomalous or its cache is not earning its keep.</summary>
[GenerateSerializer, Immutable, Alias("costorch.PipelineAlertThresholds")]
public sealed record PipelineAlertThresholds
{
    /// <summary>A run costing more than this many times the pipeline's rolling average is an anomaly. Default 2.</summary>
    [Id(0)]
    public decimal AnomalyFactor { get; init; } = 2m;

    /// <summary>Earlier runs needed before a run can be called anomalous, and a pipeline recurring. Default 5.</summary>
    [Id(1)]
    public int MinRuns { get; init; } = 5;

    /// <summary>How many recent runs the rolling average and the hit ratio are taken over. Default 20.</summary>
    [Id(2)]
    public int RecentRuns { get; init; } = 20;

    /// <summary>A recurring pipeline's cache hit ratio below this is low. Default 0.5.</summary>
    [Id(3)]
    public decimal CacheHitRatioMin { get; init; } = 0.5m;
}

/// <summary>A webhook: Slack-compatible (<c>{"text": ...}</c>) or generic JSON signed with HMAC-SHA256.</summary>
[GenerateSerializer, Immutable, Alias("costorch.WebhookTarget")]
public sealed record WebhookTarget
{
    /// <summary>The URL posted to (http or https).</summary>
    [Id(0)]
    public required Uri Url { get; init; }

    /// <summary><c>slack</c> or <c>generic</c>.</summary>
    [Id(1)]
    public string Format { get; init; } = WebhookFormats.Generic;

    /// <summary>For <c>generic</c>: the HMAC-SHA256 key of the <c>X-CostOrch-Signature</c> header (none: unsigned).</summary>
    [Id(2)]
    public string? Secret { get; init; }
}

/// <summary>Webhook body formats.</summary>
public static class WebhookFormats
{
    /// <summary>Slack's incoming-webhook body: <c>{"text": "..."}</c>.</summary>
    public const string Slack = "slack";

    /// <summary>The alert as JSON with an event name, signed when a secret is set.</summary>
    public const string Generic = "generic";
}
