using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Abstractions.Invocation;

/// <summary>
/// One routed, budgeted, cached invocation of a capability (<c>POST /v1/capabilities/{capability}/invoke</c>): a
/// pipeline step's fields plus the scopes to charge. Absent fields take the node's defaults.
/// </summary>
[GenerateSerializer, Immutable, Alias("costorch.InvokeRequest")]
public sealed record InvokeRequest
{
    /// <summary>The provider's inputs, a JSON object (e.g. <c>{"text": "..."}</c> for <c>tts-generate</c>). Default: <c>{}</c>.</summary>
    [Id(0)]
    public JsonElement? Inputs { get; init; }

    /// <summary>Hard cap on the worst-case cost of this invocation, in cents. Default: none (only scope budgets apply).</summary>
    [Id(1)]
    public decimal? BudgetCents { get; init; }

    /// <summary>Routing preference. Default: cheapest.</summary>
    [Id(2)]
    public RoutePreference? Prefer { get; init; }

    /// <summary><see cref="FallbackPolicy.Reject"/> or <see cref="FallbackPolicy.Degrade"/> (a single call cannot queue). Default: reject.</summary>
    [Id(3)]
    public FallbackPolicy? Fallback { get; init; }

    /// <summary>Only high priority may use overdraft head-room. Default: normal.</summary>
    [Id(4)]
    public Priority? Priority { get; init; }

    /// <summary>Task complexity, giving a minimum provider quality.</summary>
    [Id(5)]
    public TaskComplexity? Complexity { get; init; }

    /// <summary>Minimum provider quality 1..3 (overrides <see cref="Complexity"/>).</summary>
    [Id(6)]
    public int? MinQuality { get; init; }

    /// <summary>On failure, move to the next higher-quality provider. Default: false.</summary>
    [Id(7)]
    public bool Escalate { get; init; }

    /// <summary>Retries on the same provider before the next candidate. Default: 1.</summary>
    [Id(8)]
    public int? Retries { get; init; }

    /// <summary>Timeout of the provider call in seconds. Default: 120.</summary>
    [Id(9)]
    public int? TimeoutSeconds { get; init; }

    /// <summary>Serve identical work from the content-addressed cache. Default: true.</summary>
    [Id(10)]
    public bool? Cache { get; init; }

    /// <summary>Organisational scopes to charge; an API key bound to a team fills its team in. Default: the key's scopes.</summary>
    [Id(11)]
    public PipelineScopes? Scopes { get; init; }

    /// <summary>A pipeline to attribute the spend to (charged as <c>pipeline:&lt;id&gt;</c>). Default: none.</summary>
    [Id(12)]
    public string? PipelineId { get; init; }
}
