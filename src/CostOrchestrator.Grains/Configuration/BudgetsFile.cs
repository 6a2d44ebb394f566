using System.Text.Json;
using System.Text.Json.Serialization;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Grains.Configuration;

/// <summary>
/// The budget configuration file: <c>global.daily_limit_cents</c>,
/// <c>capabilities.&lt;name&gt;.daily_limit_cents</c>, <c>pipelines.&lt;id&gt;.limit_cents</c> (per run), plus
/// <c>scopes</c> for any other scope with explicit windows, <c>thresholds</c> and <c>time_zone</c>.
/// </summary>
public sealed record BudgetsFile
{
    /// <summary>IANA or Windows time-zone id for calendar windows. Default: UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Default thresholds for every policy in the file.</summary>
    public BudgetThresholds? Thresholds { get; init; }

    /// <summary>The global daily limit.</summary>
    public DailyLimit? Global { get; init; }

    /// <summary>Daily limits per capability.</summary>
    public Dictionary<string, DailyLimit>? Capabilities { get; init; }

    /// <summary>Per-run limits per pipeline.</summary>
    public Dictionary<string, RunLimit>? Pipelines { get; init; }

    /// <summary>Other scopes with explicit windows.</summary>
    public Dictionary<string, ScopeEntry>? Scopes { get; init; }

    /// <summary>Reads and validates a file; errors name their field.</summary>
    public static (BudgetsFile? File, IReadOnlyList<FieldError> Errors) Parse(string json)
    {
        try
        {
            var options = new JsonSerializerOptions(CostOrchestratorJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
            var file = JsonSerializer.Deserialize<BudgetsFile>(json, options);
            if (file is null)
            {
                return (null, [new FieldError("$", "the budgets file is empty")]);
            }

            var errors = file.Policies().SelectMany(p => BudgetPolicyValidator.Validate(p).Select(e => e with { Field = $"{p.Scope}.{e.Field}" })).ToList();
            if (file.TimeZone is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            {
                errors.Add(new FieldError("time_zone", $"unknown time zone '{zone}'"));
            }

            return (errors.Count == 0 ? file : null, errors);
        }
        catch (JsonException ex)
        {
            return (null, [new FieldError(ex.Path ?? "$", ex.Message)]);
        }
    }

    /// <summary>Every policy the file describes.</summary>
    public IReadOnlyList<BudgetPolicy> Policies()
    {
        var thresholds = Thresholds ?? BudgetThresholds.Default;
        var policies = new List<BudgetPolicy>();
        if (Global is not null)
        {
            policies.Add(Daily(ScopeChain.Global, Global, thresholds));
        }

        foreach (var (capability, limit) in Capabilities ?? [])
        {
            policies.Add(Daily($"capability:{capability}", limit, thresholds));
        }

        foreach (var (scope, entry) in Scopes ?? [])
        {
            policies.Add(new BudgetPolicy { Scope = scope, Windows = entry.Windows, Thresholds = entry.Thresholds ?? thresholds, OverdraftCents = entry.OverdraftCents });
        }

        return policies;
    }

    /// <summary>Per-run limits by pipeline id.</summary>
    public IReadOnlyDictionary<string, decimal> RunLimits() =>
        (Pipelines ?? []).ToDictionary(p => p.Key, p => p.Value.LimitCents, StringComparer.Ordinal);

    private static BudgetPolicy Daily(string scope, DailyLimit limit, BudgetThresholds thresholds) => new()
    {
        Scope = scope,
        Windows = [new BudgetWindowLimit { Window = WindowKind.Day, LimitCents = limit.DailyLimitCents }],
        Thresholds = thresholds,
        OverdraftCents = limit.OverdraftCents,
    };

    /// <summary>A daily limit.</summary>
    public sealed record DailyLimit
    {
        /// <summary>Cents per day.</summary>
        public required decimal DailyLimitCents { get; init; }

        /// <summary>Overdraft for high-priority work.</summary>
        public decimal OverdraftCents { get; init; }
    }

    /// <summary>A per-run limit.</summary>
    public sealed record RunLimit
    {
        /// <summary>Cents per run.</summary>
        public required decimal LimitCents { get; init; }
    }

    /// <summary>A scope with explicit windows.</summary>
    public sealed record ScopeEntry
    {
        /// <summary>Windows.</summary>
        public required IReadOnlyList<BudgetWindowLimit> Windows { get; init; }

        /// <summary>Thresholds.</summary>
        public BudgetThresholds? Thresholds { get; init; }

        /// <summary>Overdraft.</summary>
        public decimal OverdraftCents { get; init; }
    }
}
