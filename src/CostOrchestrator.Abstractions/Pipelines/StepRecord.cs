using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>The record of one step of a run.</summary>
public sealed record StepRecord
{
    /// <summary>The step's name.</summary>
    public required string Name { get; init; }

    /// <summary>The capability.</summary>
    public required string Capability { get; init; }

    /// <summary>Its status.</summary>
    public StepStatus Status { get; init; } = StepStatus.Pending;

    /// <summary>The provider that served it (the last one, for fan-out).</summary>
    public string? ProviderId { get; init; }

    /// <summary>Worst-case cost reserved, summed over invocations.</summary>
    public decimal EstimatedCents { get; init; }

    /// <summary>Actual cost charged, summed over invocations.</summary>
    public decimal ActualCents { get; init; }

    /// <summary>Tokens, summed.</summary>
    public TokenCounts? Tokens { get; init; }

    /// <summary>Latency, summed over invocations.</summary>
    public double LatencyMs { get; init; }

    /// <summary>Attempts, summed.</summary>
    public int Attempts { get; init; }

    /// <summary>True when every invocation was a cache hit.</summary>
    public bool CacheHit { get; init; }

    /// <summary>What the cache saved.</summary>
    public decimal SavedCents { get; init; }

    /// <summary>Each invocation.</summary>
    public IReadOnlyList<InvocationRecord> Invocations { get; init; } = [];

    /// <summary>The routing decision (of the first invocation that needed one).</summary>
    public RoutingDecision? Decision { get; init; }

    /// <summary>The step's result: the provider's output, or a list of them for fan-out.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Why it failed.</summary>
    public RunError? Error { get; init; }
}
