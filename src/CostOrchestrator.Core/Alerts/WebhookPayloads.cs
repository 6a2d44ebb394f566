using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Alerts;
using CostOrchestrator.Abstractions.Serialization;

namespace CostOrchestrator.Core.Alerts;

/// <summary>What a webhook receives, how it is signed, and when a failed post is tried again.</summary>
public static class WebhookPayloads
{
    /// <summary>The header carrying <c>sha256=</c> + the hex HMAC-SHA256 of the body under the webhook's secret.</summary>
    public const string SignatureHeader = "X-CostOrch-Signature";

    /// <summary>The header naming the event (<c>alert.fired</c>, <c>alert.resolved</c>).</summary>
    public const string EventHeader = "X-CostOrch-Event";

    /// <summary>The header carrying the delivery id (the same on every retry of one delivery).</summary>
    public const string DeliveryHeader = "X-CostOrch-Delivery";

    /// <summary>Attempts before a delivery is dead-lettered.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The body for a target's format.</summary>
    public static string Body(WebhookTarget target, string alertEvent, Alert alert)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(alert);
        if (target.Format == WebhookFormats.Slack)
        {
            var mark = alertEvent == AlertEvents.Resolved ? "resolved" : "firing";
            return new JsonObject { ["text"] = $"[{mark}] {alert.Kind} {alert.Subject}: {alert.Message}" }.ToJsonString();
        }

        return new JsonObject
        {
            ["event"] = alertEvent,
            ["alert"] = JsonSerializer.SerializeToNode(alert, CostOrchestratorJson.Options),
        }.ToJsonString();
    }

    /// <summary>The signature header's value for a body, or null when the target has no secret (or is Slack's).</summary>
    public static string? Signature(WebhookTarget target, string body)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Format != WebhookFormats.Generic || string.IsNullOrEmpty(target.Secret))
        {
            return null;
        }

        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(target.Secret), Encoding.UTF8.GetBytes(body ?? string.Empty)));
    }

    /// <summary>How long after failed attempt <paramref name="attempts"/> the next one is made: 1, 2, 4, 8 minutes.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromMinutes(Math.Pow(2, Math.Clamp(attempts - 1, 0, 10)));
}
