using CostOrchestrator.Abstractions.Alerts;

namespace CostOrchestrator.Grains.Alerts;

/// <summary>The alert monitor's persisted state: its alerts, settings, webhook outbox and dead letters.</summary>
[GenerateSerializer, Alias("costorch.AlertBook")]
public sealed class AlertBook
{
    /// <summary>Open alerts, and resolved ones for <see cref="AlertMonitorGrain.ResolvedKeptFor"/>.</summary>
    [Id(0)]
    public List<Alert> Alerts { get; set; } = [];

    /// <summary>Webhooks and thresholds.</summary>
    [Id(1)]
    public AlertSettings Settings { get; set; } = new();

    /// <summary>Deliveries waiting for an attempt.</summary>
    [Id(2)]
    public List<WebhookDelivery> Outbox { get; set; } = [];

    /// <summary>Deliveries given up, newest last (the last <see cref="AlertMonitorGrain.DeadLettersKept"/>).</summary>
    [Id(3)]
    public List<WebhookDeadLetter> DeadLetters { get; set; } = [];
}
