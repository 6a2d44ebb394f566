using System.Text.Json.Serialization;

namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>A step's soft routing preference, applied among providers that fit the budget.</summary>
[GenerateSerializer, Alias("costorch.RoutePreference")]
public enum RoutePreference
{
    /// <summary>Lowest marginal cost; ties by tier order 1, 4, 2, 3, then higher quality.</summary>
    [JsonStringEnumMemberName("cheapest")]
    Cheapest,

    /// <summary>Lowest latency EWMA.</summary>
    [JsonStringEnumMemberName("fastest")]
    Fastest,

    /// <summary>Local providers first, then cheapest.</summary>
    [JsonStringEnumMemberName("local-first")]
    LocalFirst,

    /// <summary>Highest quality that fits.</summary>
    [JsonStringEnumMemberName("quality")]
    Quality,
}
