using System.Collections.Frozen;
using System.Text.Json;
using CostOrchestrator.Abstractions.Serialization;

namespace CostOrchestrator.Grains.Diagnostics;

/// <summary>
/// An enum value as the API spells it (<c>budget_rejected</c>), for attribute values: a dashboard filters metrics with
/// the same words the API answers with. Computed once per value.
/// </summary>
internal static class ApiNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> Names = Enum.GetValues<TEnum>()
        .ToFrozenDictionary(v => v, v => JsonSerializer.Serialize(v, CostOrchestratorJson.Options).Trim('"'));

    public static string Of(TEnum value) => Names[value];
}
