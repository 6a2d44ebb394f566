using System.Text.Json;

namespace CostOrchestrator.Abstractions.Alerts;

/// <summary>
/// One alert: a condition (kind + subject) that became true in a window. It fires once per condition per window,
/// stays open while the condition holds and resolves when it clears; in the next window it fires again if still true.
/// </summary>
[GenerateSerializer, Immutable, Alias("costorch.Alert")]
public sealed record Alert
{
    /// <summary>Stable id: <c>alert_</c> + a hash of kind, subject and window.</summary>
    [Id(0)]
    public required string AlertId { get; init; }

    /// <summary>One of <see cref="AlertKinds"/>.</summary>
    [Id(1)]
    public required string Kind { get; init; }

    /// <summary>What it is about: a scope (<c>team:red</c>), <c>pipeline:id</c> or <c>provider:id</c>.</summary>
    [Id(2)]
    public required string Subject { get; init; }

    /// <summary>
    /// The window it fired in: a budget window's start for budget alerts (<c>day:2026-03-10T00:00:00+00:00</c>),
    /// the node's calendar day for the others.
    /// </summary>
    [Id(3)]
    public required string Window { get; init; }

    /// <summary>A sentence for humans.</summary>
    [Id(4)]
    public required string Message { get; init; }

    /// <summary>When it fired.</summary>
    [Id(5)]
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When its condition cleared (null while open).</summary>
    [Id(6)]
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The numbers behind it (spent, limit, top capabilities and providers, ratios...), by name.</summary>
    [Id(7)]
    public JsonElement? Details { get; init; }

    /// <summary>True while its condition holds.</summary>
    public bool IsOpen => ResolvedAt is null;
}
