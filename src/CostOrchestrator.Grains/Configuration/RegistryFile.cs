using System.Text.Json;
using System.Text.Json.Serialization;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Core.Registry;

namespace CostOrchestrator.Grains.Configuration;

/// <summary>A registry file: <c>{ "providers": [ ... ] }</c>.</summary>
public sealed record RegistryFile
{
    /// <summary>Provider records.</summary>
    public required IReadOnlyList<ProviderRecord> Providers { get; init; }

    /// <summary>Reads and validates a file; errors name their field (<c>providers[2].cost_model.kind</c>).</summary>
    public static (RegistryFile? File, IReadOnlyList<FieldError> Errors) Parse(string json)
    {
        try
        {
            var options = new JsonSerializerOptions(CostOrchestratorJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
            var file = JsonSerializer.Deserialize<RegistryFile>(json, options);
            if (file is null)
            {
                return (null, [new FieldError("$", "the registry file is empty")]);
            }

            var errors = file.Providers.SelectMany((p, i) => ProviderValidator.Validate(p, $"providers[{i}].")).ToList();
            foreach (var duplicate in file.Providers.GroupBy(p => p.ProviderId).Where(g => g.Count() > 1))
            {
                errors.Add(new FieldError("providers", $"provider_id '{duplicate.Key}' appears more than once"));
            }

            return (errors.Count == 0 ? file : null, errors);
        }
        catch (JsonException ex)
        {
            return (null, [new FieldError(ex.Path ?? "$", ex.Message)]);
        }
    }
}
