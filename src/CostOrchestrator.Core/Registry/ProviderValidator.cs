using System.Text.RegularExpressions;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Core.Registry;

/// <summary>Checks a provider record before it enters the registry; every error names its field.</summary>
public static partial class ProviderValidator
{
    /// <summary>The adapter kinds a registry may name.</summary>
    public static IReadOnlyList<string> KnownKinds { get; } = ["simulated", "command", "openai-compatible", "anthropic", "http-json"];

    /// <summary>Errors, empty when valid.</summary>
    public static IReadOnlyList<FieldError> Validate(ProviderRecord provider, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(provider);
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(provider.ProviderId) || !IdPattern().IsMatch(provider.ProviderId))
        {
            errors.Add(new FieldError(prefix + "provider_id", "must be 1-100 letters, digits, '-', '_' or '.'"));
        }

        if (string.IsNullOrEmpty(provider.Capability) || !IdPattern().IsMatch(provider.Capability))
        {
            errors.Add(new FieldError(prefix + "capability", "must be 1-100 letters, digits, '-', '_' or '.'"));
        }

        if (!KnownKinds.Contains(provider.Kind))
        {
            errors.Add(new FieldError(prefix + "kind", $"must be one of {string.Join(", ", KnownKinds)}"));
        }

        if (provider.Tier is < 1 or > 4)
        {
            errors.Add(new FieldError(prefix + "tier", "must be 1 (free), 2 (free with limits), 3 (paid per call) or 4 (subscription)"));
        }

        if (provider.Quality is < 1 or > 3)
        {
            errors.Add(new FieldError(prefix + "quality", "must be 1 (basic), 2 or 3 (frontier)"));
        }

        if (provider.ApiKeyEnv is { } env && !EnvPattern().IsMatch(env))
        {
            errors.Add(new FieldError(prefix + "api_key_env", "must name an environment variable (A-Z, 0-9, _), not hold a key"));
        }

        errors.AddRange(ValidateCostModel(provider.CostModel, prefix + "cost_model."));
        if (provider.IsFree && provider.CostModel is { } m && WouldCharge(m))
        {
            errors.Add(new FieldError(prefix + "is_free", "a free provider must have a zero price"));
        }

        return errors;
    }

    /// <summary>Errors of a cost model, empty when valid.</summary>
    public static IReadOnlyList<FieldError> ValidateCostModel(CostModel? model, string prefix = "cost_model.")
    {
        var errors = new List<FieldError>();
        if (model is null)
        {
            errors.Add(new FieldError(prefix.TrimEnd('.'), "is required"));
            return errors;
        }

        void NonNegative(decimal? value, string name, bool required)
        {
            if (value is null)
            {
                if (required)
                {
                    errors.Add(new FieldError(prefix + name, $"is required for kind {Kebab(model.Kind)}"));
                }
            }
            else if (value < 0)
            {
                errors.Add(new FieldError(prefix + name, "must not be negative"));
            }
            else if (decimal.Round(value.Value, 6) != value.Value)
            {
                errors.Add(new FieldError(prefix + name, "has more than six decimal places of a cent"));
            }
        }

        switch (model.Kind)
        {
            case CostModelKind.PerInvocation:
                NonNegative(model.CentsPerInvocation, "cents_per_invocation", required: true);
                break;
            case CostModelKind.PerToken:
                NonNegative(model.InputCentsPerMillionTokens, "input_cents_per_million_tokens", required: true);
                NonNegative(model.OutputCentsPerMillionTokens, "output_cents_per_million_tokens", required: true);
                NonNegative(model.CachedInputCentsPerMillionTokens, "cached_input_cents_per_million_tokens", required: false);
                if (model.DefaultMaxOutputTokens is < 1)
                {
                    errors.Add(new FieldError(prefix + "default_max_output_tokens", "must be at least 1"));
                }

                break;
            case CostModelKind.PerUnit:
                NonNegative(model.CentsPerUnit, "cents_per_unit", required: true);
                NonNegative(model.DefaultQuantity, "default_quantity", required: false);
                break;
            case CostModelKind.Subscription:
                NonNegative(model.MonthlyCents, "monthly_cents", required: false);
                if (model.MonthlyQuota is < 0)
                {
                    errors.Add(new FieldError(prefix + "monthly_quota", "must not be negative"));
                }

                break;
        }

        return errors;
    }

    private static bool WouldCharge(CostModel m) =>
        (m.CentsPerInvocation ?? 0) > 0 || (m.InputCentsPerMillionTokens ?? 0) > 0 || (m.OutputCentsPerMillionTokens ?? 0) > 0 || (m.CentsPerUnit ?? 0) > 0;

    private static string Kebab(CostModelKind kind) => kind switch
    {
        CostModelKind.PerInvocation => "per-invocation",
        CostModelKind.PerToken => "per-token",
        CostModelKind.PerUnit => "per-unit",
        _ => "subscription",
    };

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Z_][A-Z0-9_]{0,127}$")]
    private static partial Regex EnvPattern();
}
