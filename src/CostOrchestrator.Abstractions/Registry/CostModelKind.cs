using System.Text.Json.Serialization;

namespace CostOrchestrator.Abstractions.Registry;

/// <summary>How a provider charges.</summary>
[GenerateSerializer, Alias("costorch.CostModelKind")]
public enum CostModelKind
{
    /// <summary>A fixed price per call (<see cref="CostModel.CentsPerInvocation"/>).</summary>
    [JsonStringEnumMemberName("per-invocation")]
    PerInvocation,

    /// <summary>Per token: input, output and cached-input prices per million tokens.</summary>
    [JsonStringEnumMemberName("per-token")]
    PerToken,

    /// <summary>Per unit of an input quantity: characters, seconds, images, minutes.</summary>
    [JsonStringEnumMemberName("per-unit")]
    PerUnit,

    /// <summary>A flat monthly fee: zero marginal cost, optionally with a monthly quota of calls.</summary>
    [JsonStringEnumMemberName("subscription")]
    Subscription,
}
