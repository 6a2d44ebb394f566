using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>The record of one step of a run.</summary>
[GenerateSerializer, Immutable, Alias("costorch.StepRecord")]
public sealed record StepRecord
{
    /// <summary>The step's name.</summary>
    [Id(0)]
    public required string Name { get; init; }

    /// <summary>The capability.</summary>
    [Id(1)]
    public required string Capability { get; init; }

    /// <summary>Its status.</summary>
    [Id(2)]
    public StepStatus Status { get; init; } = StepStatus.Pending;

    /// <summary>The provider that served it (the last one, for fan-out).</summary>
    [Id(3)]
    public string? ProviderId { get; init; }

    /// <summary>Worst-case cost reserved, summed over invocations.</summary>
    [Id(4)]
    public decimal EstimatedCents { get; init; }

    /// <summary>Actual cost charged, summed over invocations.</summary>
    [Id(5)]
    public decimal ActualCents { get; init; }

    /// <summary>Tokens, summed.</summary>
    [Id(6)]
    public TokenCounts? Tokens { get; init; }

    /// <summary>Latency, summed over invocations.</summary>
    [Id(7)]
    public double LatencyMs { get; init; }

    /// <summary>Attempts, summed.</summary>
    [Id(8)]
    public int Attempts { get; init; }

    /// <summary>True when every invocation was a cache hit.</summary>
    [Id(9)]
    public bool CacheHit { get; init; }

    /// <summary>What the cache saved.</summary>
    [Id(10)]
    public decimal SavedCents { get; init; }

    /// <summary>Each invocation.</summary>
    [Id(11)]
    public IReadOnlyList<InvocationRecord> Invocations { get; init; } = [];

    /// <summary>The routing decision (of the first invocation that needed one).</summary>
    [Id(12)]
    public RoutingDecision? Decision { get; init; }

    /// <summary>The step's result: the provider's output, or a list of them for fan-out.</summary>
    [Id(13)]
    public JsonElement? Result { get; init; }

    /// <summary>Why it failed.</summary>
    [Id(14)]
    public RunError? Error { get; init; }
}
