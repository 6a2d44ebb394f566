using System.Text.Json;

namespace CostOrchestrator.Abstractions.Registry;

/// <summary>A provider of one capability, with its price and health.</summary>
[GenerateSerializer, Immutable, Alias("costorch.ProviderRecord")]
public sealed record ProviderRecord
{
    /// <summary>Unique id, e.g. <c>shotstack</c>.</summary>
    [Id(0)]
    public required string ProviderId { get; init; }

    /// <summary>The capability served, e.g. <c>ffmpeg-render</c>.</summary>
    [Id(1)]
    public required string Capability { get; init; }

    /// <summary>The adapter: <c>simulated</c>, <c>command</c>, <c>openai-compatible</c>, <c>anthropic</c>, <c>http-json</c>.</summary>
    [Id(2)]
    public required string Kind { get; init; }

    /// <summary>What it charges.</summary>
    [Id(3)]
    public required CostModel CostModel { get; init; }

    /// <summary>Tier 1..4 of the four-tier model: free / free-with-limits / paid-per-call / subscription.</summary>
    [Id(4)]
    public required int Tier { get; init; }

    /// <summary>Quality 1 (basic) .. 3 (frontier), matched against a step's complexity. Default: 2.</summary>
    [Id(5)]
    public int Quality { get; init; } = 2;

    /// <summary>True when the provider never charges.</summary>
    [Id(6)]
    public bool IsFree { get; init; }

    /// <summary>True when it runs on our own hardware.</summary>
    [Id(7)]
    public bool Local { get; init; }

    /// <summary>True when it needs a local GPU.</summary>
    [Id(8)]
    public bool RequiresLocalGpu { get; init; }

    /// <summary>The endpoint URL (HTTP adapters).</summary>
    [Id(9)]
    public string? Endpoint { get; init; }

    /// <summary>The upstream model name (LLM adapters).</summary>
    [Id(10)]
    public string? Model { get; init; }

    /// <summary>Name of the environment variable that holds the API key; the key itself is never stored.</summary>
    [Id(11)]
    public string? ApiKeyEnv { get; init; }

    /// <summary>Adapter-specific settings (the <c>command</c> adapter's program and arguments, the simulator's behaviour).</summary>
    [Id(12)]
    public JsonElement? Settings { get; init; }

    /// <summary>Health as last set by checks, the circuit breaker or an operator.</summary>
    [Id(13)]
    public ProviderHealth Health { get; init; } = ProviderHealth.Healthy;

    /// <summary>Why the health is what it is (operator note, breaker, failed check).</summary>
    [Id(14)]
    public string? HealthReason { get; init; }

    /// <summary>Exponentially weighted moving average of call latency, in milliseconds.</summary>
    [Id(15)]
    public double LatencyEwmaMs { get; init; }

    /// <summary>Exponentially weighted moving error rate, 0..1.</summary>
    [Id(16)]
    public double ErrorRate { get; init; }

    /// <summary>When the price was last set.</summary>
    [Id(17)]
    public DateTimeOffset PriceUpdatedAt { get; init; }

    /// <summary>Row version, increased on every change.</summary>
    [Id(18)]
    public long Version { get; init; }
}
