using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>
/// The registry as a simulation runs it: every provider, whatever its kind, answered by the simulated adapter at
/// the registry's price, so nothing is executed (no local programs) and nothing leaves the machine. Health stays as
/// written (a provider an operator marked down is down). Of the adapter settings only the simulator's own knobs
/// are kept, and not its latency: the simulated clock stands still while a run executes, so a call takes no time.
/// </summary>
internal static class SimulatedRegistry
{
    private static readonly string[] _simulatorSettings = ["failure_rate", "fail_first", "output_tokens", "bill_factor"];

    public static IReadOnlyList<ProviderRecord> Of(IReadOnlyList<ProviderRecord> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        return [.. providers.Select(p => p with { Kind = "simulated", Endpoint = null, ApiKeyEnv = null, Settings = SimulatorSettings(p.Settings) })];
    }

    private static JsonElement? SimulatorSettings(JsonElement? settings)
    {
        if (settings is not { ValueKind: JsonValueKind.Object } given)
        {
            return null;
        }

        var kept = new JsonObject();
        foreach (var property in given.EnumerateObject().Where(p => _simulatorSettings.Contains(p.Name, StringComparer.Ordinal)))
        {
            kept[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }

        return kept.Count == 0 ? null : JsonSerializer.SerializeToElement(kept);
    }
}
