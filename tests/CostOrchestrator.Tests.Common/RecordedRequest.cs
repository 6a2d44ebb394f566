using System.Text.Json.Nodes;

namespace CostOrchestrator.Tests.Common;

/// <summary>A request the fake upstream received.</summary>
public sealed record RecordedRequest(string Path, IReadOnlyDictionary<string, string> Headers, JsonNode? Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
