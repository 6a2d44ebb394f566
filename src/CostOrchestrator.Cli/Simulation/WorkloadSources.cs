using System.Text.Json;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Grains.Configuration;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>
/// The registry and budgets a workload runs on: its own <c>registry</c> and <c>budgets</c> files when it names them,
/// else those of its <c>profile</c> (default: the sample profile, <c>silo-config/embedded.json</c>).
/// </summary>
internal sealed record WorkloadSources
{
    public IReadOnlyList<ProviderRecord> Providers { get; init; } = [];

    public string? BudgetsPath { get; init; }

    public BudgetsFile? Budgets { get; init; }

    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Reads the files; every problem is added to <paramref name="errors"/> under the field that named the file.</summary>
    public static WorkloadSources Load(string? profilePath, string? registryPath, string? budgetsPath, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        NodeProfile? profile = null;
        var profileField = profilePath is null ? "profile (default silo-config/embedded.json)" : "profile";
        if ((registryPath is null || budgetsPath is null) && (profilePath ?? NodeProfile.FindDefault()) is { } path)
        {
            profile = ReadProfile(path, profileField, errors);
        }

        var registryField = registryPath is null ? profileField + ".registry" : "registry";
        var registryFile = registryPath ?? profile?.Resolve(profile.Registry);
        var providers = new List<ProviderRecord>();
        if (registryFile is null)
        {
            errors.Add(new FieldError("registry", "required: name a registry file, or a profile that has one"));
        }
        else if (Read(registryFile, registryField, errors) is { } registryText)
        {
            var (registry, registryErrors) = RegistryFile.Parse(registryText);
            errors.AddRange(registryErrors.Select(e => new FieldError(registryField, $"{registryFile}: {e}")));
            providers.AddRange(registry?.Providers ?? []);
        }

        var budgetsField = budgetsPath is null ? profileField + ".budgets" : "budgets";
        var budgetsFile = budgetsPath ?? profile?.Resolve(profile.Budgets);
        BudgetsFile? budgets = null;
        if (budgetsFile is not null && Read(budgetsFile, budgetsField, errors) is { } budgetsText)
        {
            (budgets, var budgetErrors) = BudgetsFile.Parse(budgetsText);
            errors.AddRange(budgetErrors.Select(e => new FieldError(budgetsField, $"{budgetsFile}: {e}")));
        }

        return new WorkloadSources
        {
            Providers = providers,
            BudgetsPath = budgets is null ? null : budgetsFile,
            Budgets = budgets,
            // BudgetsFile.Parse has checked the zone exists.
            TimeZone = budgets?.TimeZone is { } zone ? TimeZoneInfo.FindSystemTimeZoneById(zone) : TimeZoneInfo.Utc,
        };
    }

    private static NodeProfile? ReadProfile(string path, string field, List<FieldError> errors)
    {
        if (!File.Exists(path))
        {
            errors.Add(new FieldError(field, $"'{path}' not found"));
            return null;
        }

        try
        {
            return NodeProfile.Load(path);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            errors.Add(new FieldError(field, $"{path}: {ex.Message}"));
            return null;
        }
    }

    private static string? Read(string path, string field, List<FieldError> errors)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path);
        }

        errors.Add(new FieldError(field, $"'{path}' not found"));
        return null;
    }
}
