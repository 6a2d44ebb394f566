using System.Text.Json;
using CostOrchestrator.Abstractions.Serialization;

namespace CostOrchestrator.Storage.Common;

/// <summary>Records are stored in the same JSON shape the API uses.</summary>
internal static class StoreJson
{
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, CostOrchestratorJson.Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, CostOrchestratorJson.Options)
        ?? throw new InvalidDataException($"Stored {typeof(T).Name} is null.");

    /// <summary>An enum's wire name (<c>budget_rejected</c>), used in indexed columns.</summary>
    public static string EnumName<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value, CostOrchestratorJson.Options).Trim('"');
}
