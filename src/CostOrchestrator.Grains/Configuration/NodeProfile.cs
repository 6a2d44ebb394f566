using System.Text.Json;
using System.Text.Json.Serialization;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Grains.Configuration;

/// <summary>
/// A node profile from <c>silo-config/</c>: storage backend and the registry, budgets and pipelines that
/// seed an empty store. Paths are relative to the profile file.
/// </summary>
public sealed record NodeProfile
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary>PostgreSQL connection string (or env COSTORCH_POSTGRES).</summary>
    public string? Postgres { get; init; }

    /// <summary>Registry file.</summary>
    public string? Registry { get; init; }

    /// <summary>Budgets file.</summary>
    public string? Budgets { get; init; }

    /// <summary>Folder of pipeline files (<c>.json</c>, <c>.yaml</c>, <c>.yml</c>).</summary>
    public string? Pipelines { get; init; }

    /// <summary>The profile's folder, for resolving relative paths.</summary>
    [JsonIgnore]
    public string BaseDirectory { get; init; } = ".";

    /// <summary>
    /// The sample profile, <c>silo-config/embedded.json</c>, in the current directory or any parent, or next to
    /// the binary (so the CLI and a node started from the repository find it); null when there is none.
    /// </summary>
    public static string? FindDefault()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "silo-config", "embedded.json");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Loads a profile file.</summary>
    public static NodeProfile Load(string path)
    {
        var options = new JsonSerializerOptions(CostOrchestratorJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
        var profile = JsonSerializer.Deserialize<NodeProfile>(File.ReadAllText(path), options)
            ?? throw new InvalidDataException($"{path} is empty.");
        return profile with { BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))! };
    }

    /// <summary>A path from the profile, made absolute.</summary>
    public string? Resolve(string? relative) => relative is null ? null : Path.GetFullPath(Path.Combine(BaseDirectory, relative));

    /// <summary>The budgets file, parsed; throws with every field error when invalid.</summary>
    public BudgetsFile? LoadBudgets()
    {
        if (Resolve(Budgets) is not { } path)
        {
            return null;
        }

        var (file, errors) = BudgetsFile.Parse(File.ReadAllText(path));
        return file ?? throw new InvalidDataException($"{path}: {string.Join("; ", errors)}");
    }

    /// <summary>The registry file, parsed; throws with every field error when invalid.</summary>
    public RegistryFile? LoadRegistry()
    {
        if (Resolve(Registry) is not { } path)
        {
            return null;
        }

        var (file, errors) = RegistryFile.Parse(File.ReadAllText(path));
        return file ?? throw new InvalidDataException($"{path}: {string.Join("; ", errors)}");
    }

    /// <summary>Every pipeline file, parsed against the given capabilities; throws with every field error when one is invalid.</summary>
    public IReadOnlyList<PipelineDefinition> LoadPipelines(IReadOnlySet<string>? capabilities)
    {
        if (Resolve(Pipelines) is not { } folder || !Directory.Exists(folder))
        {
            return [];
        }

        var pipelines = new List<PipelineDefinition>();
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var parsed = PipelineParser.Parse(File.ReadAllText(file), new PipelineParseOptions { DefaultId = Path.GetFileNameWithoutExtension(file), KnownCapabilities = capabilities });
            pipelines.Add(parsed.Pipeline ?? throw new InvalidDataException($"{file}: {string.Join("; ", parsed.Errors)}"));
        }

        return pipelines;
    }
}
