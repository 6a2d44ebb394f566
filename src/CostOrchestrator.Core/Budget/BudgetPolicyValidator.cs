using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Money;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Core.Budget;

/// <summary>Checks a budget policy; every error names its field.</summary>
public static class BudgetPolicyValidator
{
    /// <summary>Errors, empty when valid.</summary>
    public static IReadOnlyList<FieldError> Validate(BudgetPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new List<FieldError>();
        if (!ScopeChain.IsValid(policy.Scope))
        {
            errors.Add(new FieldError("scope", "must be 'global' or 'kind:value' (org:acme, team:media, capability:tts-generate, ...)"));
        }

        if (policy.Windows is null)
        {
            errors.Add(new FieldError("windows", "is required"));
        }
        else
        {
            for (var i = 0; i < policy.Windows.Count; i++)
            {
                if (!Cents.IsValid(policy.Windows[i].LimitCents))
                {
                    errors.Add(new FieldError($"windows[{i}].limit_cents", Cents.RangeText));
                }
            }

            foreach (var duplicate in policy.Windows.GroupBy(w => w.Window).Where(g => g.Count() > 1))
            {
                errors.Add(new FieldError("windows", $"window '{duplicate.Key.ToString().ToLowerInvariant()}' appears more than once"));
            }
        }

        if (!Cents.IsValid(policy.OverdraftCents))
        {
            errors.Add(new FieldError("overdraft_cents", Cents.RangeText));
        }

        var t = policy.Thresholds ?? BudgetThresholds.Default;
        if (t.Warn is <= 0 or > 1)
        {
            errors.Add(new FieldError("thresholds.warn", "must be above 0 and at most 1"));
        }

        if (t.Constrained < t.Warn || t.Constrained > 1)
        {
            errors.Add(new FieldError("thresholds.constrained", "must be between thresholds.warn and 1"));
        }

        if (t.Exhausted < t.Constrained || t.Exhausted > 1)
        {
            errors.Add(new FieldError("thresholds.exhausted", "must be between thresholds.constrained and 1"));
        }

        return errors;
    }
}
