using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>
/// Inputs drawn from <see cref="Distinct"/> variants of a template: each run gets variant n (1..distinct, drawn
/// with the workload's seed), with every <c>{n}</c> in the template's strings replaced by n. Draws repeat, so the
/// cache serves a variant seen before, as it would recurring work.
/// </summary>
internal sealed record InputGenerator
{
    /// <summary>The placeholder replaced in every string of the template.</summary>
    public const string Placeholder = "{n}";

    public required JsonElement Template { get; init; }

    public required int Distinct { get; init; }

    /// <summary>Variant <paramref name="n"/> of the template.</summary>
    public JsonElement Make(int n) => JsonSerializer.SerializeToElement(Substitute(JsonNode.Parse(Template.GetRawText()), n.ToString(CultureInfo.InvariantCulture)));

    private static JsonNode? Substitute(JsonNode? node, string n)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    obj[name] = Substitute(value?.DeepClone(), n);
                }

                return obj;
            case JsonArray array:
                return new JsonArray(array.Select(item => Substitute(item?.DeepClone(), n)).ToArray());
            case JsonValue value when value.TryGetValue<string>(out var text):
                return JsonValue.Create(text.Replace(Placeholder, n, StringComparison.Ordinal));
            default:
                return node;
        }
    }
}
