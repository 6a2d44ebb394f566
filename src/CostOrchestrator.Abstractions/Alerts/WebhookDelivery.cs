namespace CostOrchestrator.Abstractions.Alerts;

/// <summary>One post of one alert event to one webhook, waiting to be (re)tried.</summary>
[GenerateSerializer, Immutable, Alias("costorch.WebhookDelivery")]
public sealed record WebhookDelivery
{
    /// <summary>Unique per delivery: receivers may use it to drop a duplicate (a post whose answer was lost is retried).</summary>
    [Id(0)]
    public required string DeliveryId { get; init; }

    /// <summary>Where it goes.</summary>
    [Id(1)]
    public required WebhookTarget Target { get; init; }

    /// <summary><c>alert.fired</c> or <c>alert.resolved</c>.</summary>
    [Id(2)]
    public required string Event { get; init; }

    /// <summary>The alert it is about.</summary>
    [Id(3)]
    public required string AlertId { get; init; }

    /// <summary>The exact body posted (the same bytes on every attempt, so a signature stays valid).</summary>
    [Id(4)]
    public required string Body { get; init; }

    /// <summary>Attempts made so far.</summary>
    [Id(5)]
    public int Attempts { get; init; }

    /// <summary>Not before this (the backoff after a failed attempt).</summary>
    [Id(6)]
    public required DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>Why the last attempt failed.</summary>
    [Id(7)]
    public string? LastError { get; init; }
}

/// <summary>A delivery that failed every attempt: kept for an operator to see (and replay by hand).</summary>
[GenerateSerializer, Immutable, Alias("costorch.WebhookDeadLetter")]
public sealed record WebhookDeadLetter
{
    /// <summary>The delivery as it was last tried.</summary>
    [Id(0)]
    public required WebhookDelivery Delivery { get; init; }

    /// <summary>When it was given up.</summary>
    [Id(1)]
    public required DateTimeOffset FailedAt { get; init; }
}

/// <summary>The events posted to webhooks.</summary>
public static class AlertEvents
{
    /// <summary>An alert's condition became true.</summary>
    public const string Fired = "alert.fired";

    /// <summary>An alert's condition cleared.</summary>
    public const string Resolved = "alert.resolved";
}
