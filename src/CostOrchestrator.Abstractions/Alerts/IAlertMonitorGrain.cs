namespace CostOrchestrator.Abstractions.Alerts;

/// <summary>
/// The cluster's alert monitor (one activation, key <see cref="Key"/>): on its reminder it reads budgets, runs and
/// providers, fires what became true, resolves what cleared, and posts both to the webhooks with retries. Nothing on
/// the invocation path calls it.
/// </summary>
public interface IAlertMonitorGrain : IGrainWithStringKey
{
    /// <summary>The one key.</summary>
    const string Key = "alerts";

    /// <summary>Registers the reminder that evaluates and delivers every minute (idempotent).</summary>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Evaluates every rule now; returns the alerts that fired and those that resolved.</summary>
    Task<AlertChanges> EvaluateAsync(CancellationToken cancellationToken = default);

    /// <summary>Posts every delivery that is due now; returns how many were attempted.</summary>
    Task<int> DeliverAsync(CancellationToken cancellationToken = default);

    /// <summary>The stored alerts (open, and resolved in the last 30 days), newest first, filtered.</summary>
    Task<IReadOnlyList<Alert>> ListAsync(AlertFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Webhooks and thresholds.</summary>
    Task<AlertSettings> GetSettingsAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the webhooks and thresholds (validated by the caller).</summary>
    Task<AlertSettings> SetSettingsAsync(AlertSettings settings, CancellationToken cancellationToken = default);

    /// <summary>Deliveries waiting for a retry, and those given up.</summary>
    Task<WebhookQueue> GetDeliveriesAsync(CancellationToken cancellationToken = default);
}

/// <summary>What one evaluation changed.</summary>
[GenerateSerializer, Immutable, Alias("costorch.AlertChanges")]
public sealed record AlertChanges
{
    /// <summary>Alerts that fired.</summary>
    [Id(0)]
    public IReadOnlyList<Alert> Fired { get; init; } = [];

    /// <summary>Alerts that resolved.</summary>
    [Id(1)]
    public IReadOnlyList<Alert> Resolved { get; init; } = [];
}

/// <summary>Which alerts to list.</summary>
[GenerateSerializer, Immutable, Alias("costorch.AlertFilter")]
public sealed record AlertFilter
{
    /// <summary>Only this kind.</summary>
    [Id(0)]
    public string? Kind { get; init; }

    /// <summary>Only alerts about this subject (a scope, <c>pipeline:x</c>, <c>provider:x</c>).</summary>
    [Id(1)]
    public string? Subject { get; init; }

    /// <summary>Only open (true) or only resolved (false) alerts.</summary>
    [Id(2)]
    public bool? Open { get; init; }
}

/// <summary>The webhook outbox and its dead letters.</summary>
[GenerateSerializer, Immutable, Alias("costorch.WebhookQueue")]
public sealed record WebhookQueue
{
    /// <summary>Waiting for their next attempt.</summary>
    [Id(0)]
    public IReadOnlyList<WebhookDelivery> Pending { get; init; } = [];

    /// <summary>Given up after every attempt failed, newest first.</summary>
    [Id(1)]
    public IReadOnlyList<WebhookDeadLetter> DeadLetters { get; init; } = [];
}
