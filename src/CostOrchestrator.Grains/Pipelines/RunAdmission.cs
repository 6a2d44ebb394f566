using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;

namespace CostOrchestrator.Grains.Pipelines;

/// <summary>What admission decided for a run about to start or resume.</summary>
public sealed record AdmissionVerdict
{
    /// <summary>The run may go.</summary>
    public static readonly AdmissionVerdict Admitted = new();

    /// <summary>Why it may not (null when admitted): the scope that refused, or the run's own budget.</summary>
    public RunError? Refusal { get; init; }

    /// <summary>Wait for head-room rather than end: a remaining required step has <c>fallback: queue</c>.</summary>
    public bool Queue { get; init; }
}

/// <summary>
/// Admission before spending: a run starts (or resumes from the queue) only when what is left of it can finish —
/// its required steps' reservations fit the run budget and the head-room of every scope they are charged to, as
/// <c>/v1/explain</c> computes it. Otherwise it is refused or queued before it spends anything, unless the pipeline
/// opts into <c>partial_progress</c>. A check, not a hold: another caller can still take head-room between the
/// check and a step (that step is then refused as before), but a run never starts that cannot finish now.
/// </summary>
public static class RunAdmission
{
    /// <summary>Checks what is left of <paramref name="run"/>.</summary>
    public static async Task<AdmissionVerdict> CheckAsync(PipelineExplainer explainer, RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(explainer);
        ArgumentNullException.ThrowIfNull(run);
        if (run.Pipeline.PartialProgress)
        {
            return AdmissionVerdict.Admitted;
        }

        var done = run.Steps.Where(s => s.Status is StepStatus.Succeeded or StepStatus.Skipped)
            .ToDictionary(s => s.Name, s => s.Result ?? JsonSerializer.SerializeToElement<object?>(null), StringComparer.Ordinal);
        var explanation = await explainer.ExplainAsync(run.Pipeline, run.Input, done, cancellationToken).ConfigureAwait(false);
        var refusal = RefusalOf(explanation);
        if (refusal is null)
        {
            return AdmissionVerdict.Admitted;
        }

        var remaining = run.Pipeline.Steps.Where(s => !done.ContainsKey(s.Name) && !s.Invoke.Optional);
        return new AdmissionVerdict { Refusal = refusal, Queue = remaining.Any(s => s.Invoke.Fallback == FallbackPolicy.Queue) };
    }

    // Budget reasons only: a step whose providers are all down is not admission's business (it fails when reached,
    // or its provider is back by then).
    private static RunError? RefusalOf(PipelineExplanation explanation)
    {
        const string Nothing = "; nothing was spent (the pipeline can opt into partial_progress)";
        if (explanation.Shortfalls.Count > 0)
        {
            var tightest = explanation.Shortfalls[0];
            return new RunError
            {
                Code = RunErrorCodes.BudgetExceeded,
                Scope = tightest.Scope,
                Denial = tightest,
                Message = $"the run cannot finish within its budgets: its remaining required steps need {tightest.RequestedCents}¢ in {tightest.Scope}, "
                    + $"which has {Math.Max(0m, tightest.LimitCents - tightest.SpentCents - tightest.ReservedCents)}¢ of head-room this {tightest.Window.ToString().ToLowerInvariant()}{Nothing}",
            };
        }

        if (explanation.OverRunBudget)
        {
            var need = explanation.Steps.Where(s => !s.Optional).Sum(s => s.ExpectedCents);
            return new RunError
            {
                Code = RunErrorCodes.BudgetExceeded,
                Field = "budget.limit_cents",
                Message = $"the run cannot finish within its budget: its remaining required steps need {need}¢, above budget.limit_cents {explanation.RunBudgetCents}¢{Nothing}",
            };
        }

        if (explanation.UnfittedStep is { } step)
        {
            var decision = explanation.Steps.First(s => s.Name == step).Decision;
            return new RunError
            {
                Code = RunErrorCodes.BudgetExceeded,
                Step = step,
                Scope = decision?.StatusScope,
                Message = $"the run cannot finish within its budgets: no provider for step '{step}' fits them now: "
                    + string.Join("; ", decision?.Candidates.Where(c => c.Dropped is not null).Select(c => $"{c.ProviderId}: {c.Dropped}") ?? []) + Nothing,
            };
        }

        return null;
    }
}
