using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Core.Routing;
using CostOrchestrator.Grains.Invocation;

namespace CostOrchestrator.Grains.Pipelines;

/// <summary>How one step of a run executes: its fan-out reserved all or none, each item invoked, and how it ends.</summary>
public sealed partial class PipelineRunGrain
{
    // Returns null when the step completed (or the run was parked); otherwise how the run ends.
    private async Task<(RunStatus Status, RunError Error)?> ExecuteStepAsync(int index, PipelineStep step, Dictionary<(int, int), JournalEntry> journal,
        Dictionary<string, JsonElement> results, CancellationToken token)
    {
        var invoke = step.Invoke;
        var pipeline = _record!.Pipeline;
        var field = $"steps[{index}].invoke";
        var baseContext = new TemplateContext { Input = _record.Input, StepResults = results };
        IReadOnlyList<JsonElement?> items = [null];
        if (invoke.ForEach is { } forEach)
        {
            var (list, error) = TemplateEngine.RenderString(forEach, baseContext);
            if (error is not null || list is not { ValueKind: JsonValueKind.Array })
            {
                return Fail(index, RunStatus.Failed, new RunError { Code = RunErrorCodes.InvalidInput, Step = step.Name, Field = field + ".for_each", Message = error ?? "for_each must resolve to a list" });
            }

            if (list.Value.GetArrayLength() > pipeline.Limits.MaxFanout)
            {
                return Fail(index, RunStatus.Failed, new RunError { Code = RunErrorCodes.LimitExceeded, Step = step.Name, Field = "limits.max_fanout", Message = $"step '{step.Name}' fans out to {list.Value.GetArrayLength()} items, over limits.max_fanout {pipeline.Limits.MaxFanout}" });
            }

            items = list.Value.EnumerateArray().Select(e => (JsonElement?)e.Clone()).ToList();
        }

        await UpdateStepAsync(index, s => s with { Status = StepStatus.Running }).ConfigureAwait(true);
        IReadOnlyDictionary<int, HeldReservation> held = new Dictionary<int, HeldReservation>();
        if (invoke.ForEach is not null && !pipeline.PartialProgress)
        {
            // All or none: every item that will call a provider is reserved before the first one runs.
            var ahead = await _executor.ReserveAheadAsync(
                Enumerable.Range(0, items.Count).Where(i => !journal.ContainsKey((index, i)))
                    .Select(i => ItemContext(index, step, baseContext, items, i, _record!, tryTakeRetry: null)).OfType<InvocationContext>().ToList(),
                token).ConfigureAwait(true);
            if (ahead.Refusal is { } refused)
            {
                // The step's fallback applies to the fan-out as a whole, as it would to one item.
                var budget = refused.Error?.Code == RunErrorCodes.BudgetExceeded;
                var ended = refused with
                {
                    Queued = budget && invoke.Fallback == FallbackPolicy.Queue,
                    NothingFitted = budget && invoke.Fallback == FallbackPolicy.Degrade,
                };
                _telemetry.RecordDecision(invoke.Capability, ended);
                return await EndStepAsync(index, step, ended).ConfigureAwait(true);
            }

            held = ahead.Held;
        }

        try
        {
            return await RunItemsAsync(index, step, journal, results, items, held, baseContext, token).ConfigureAwait(true);
        }
        finally
        {
            // Whatever an item did not use (it was served from cache, routed elsewhere, failed) goes back.
            await _executor.ReleaseAheadAsync(held.Values, CancellationToken.None).ConfigureAwait(true);
        }
    }

    private async Task<(RunStatus Status, RunError Error)?> RunItemsAsync(int index, PipelineStep step, Dictionary<(int, int), JournalEntry> journal,
        Dictionary<string, JsonElement> results, IReadOnlyList<JsonElement?> items, IReadOnlyDictionary<int, HeldReservation> held, TemplateContext baseContext, CancellationToken token)
    {
        var invoke = step.Invoke;
        var pipeline = _record!.Pipeline;
        var field = $"steps[{index}].invoke";
        var outputs = new List<JsonElement>(items.Count);
        for (var item = 0; item < items.Count; item++)
        {
            if (journal.TryGetValue((index, item), out var replay))
            {
                outputs.Add(replay.Result);
                if (!_record!.Steps[index].Invocations.Any(x => x.Item == item && !x.Unreconciled))
                {
                    await UpdateStepAsync(index, s => s with { Invocations = [.. s.Invocations, replay.Invocation] }).ConfigureAwait(true);
                }

                continue;
            }

            var run = _record!;
            if (run.InvocationsUsed >= pipeline.Limits.MaxSteps)
            {
                return Fail(index, RunStatus.Failed, new RunError { Code = RunErrorCodes.LimitExceeded, Step = step.Name, Field = "limits.max_steps", Message = $"the run reached limits.max_steps ({pipeline.Limits.MaxSteps} invocations)" });
            }

            if (run.TokensUsed >= pipeline.Limits.MaxTokens)
            {
                return Fail(index, RunStatus.Failed, new RunError { Code = RunErrorCodes.LimitExceeded, Step = step.Name, Field = "limits.max_tokens", Message = $"the run reached limits.max_tokens ({pipeline.Limits.MaxTokens})" });
            }

            var retriesUsed = run.RetriesUsed;
            var context = ItemContext(index, step, baseContext, items, item, run, () => retriesUsed < pipeline.Limits.MaxRetries && ++retriesUsed > 0);
            if (context is null)
            {
                var (_, templateError) = TemplateEngine.Render(invoke.Inputs, baseContext with { Item = items[item], Index = invoke.ForEach is null ? null : item });
                return Fail(index, RunStatus.Failed, new RunError { Code = RunErrorCodes.InvalidInput, Step = step.Name, Field = field + ".inputs", Message = $"step '{step.Name}': {templateError}" });
            }

            var outcome = await _executor.InvokeAsync(context with { HeldAhead = held.GetValueOrDefault(item) }, token).ConfigureAwait(true);

            if (outcome.Decision is { } decision && _record!.Steps[index].Decision is null)
            {
                await UpdateStepAsync(index, s => s with { Decision = decision }).ConfigureAwait(true);
            }

            await SaveAsync(_record! with { RetriesUsed = retriesUsed }, token).ConfigureAwait(true);
            if (outcome.Succeeded)
            {
                var invocation = outcome.Record!;
                if (!outcome.Journaled)
                {
                    // Served from the cache: nothing was charged, so the journal entry is written on its own.
                    await _store.AppendJournalAsync(new JournalEntry { RunId = Key, StepIndex = index, Item = item, Invocation = invocation, Result = outcome.Result!.Value }, token).ConfigureAwait(true);
                }

                await UpdateStepAsync(index, s => s with { Invocations = [.. s.Invocations, invocation] }).ConfigureAwait(true);
                outputs.Add(outcome.Result!.Value);
                continue;
            }

            return await EndStepAsync(index, step, outcome).ConfigureAwait(true);
        }

        var result = invoke.ForEach is null ? outputs[0] : JsonSerializer.SerializeToElement(outputs);
        results[step.Name] = result;
        await UpdateStepAsync(index, s => s with { Status = StepStatus.Succeeded, Result = result, Error = null }).ConfigureAwait(true);
        return null;
    }

    // A step that did not get what it needed: the run waits (fallback queue), skips it (an optional step nothing fitted),
    // or ends — refused by a budget, with the refusing decision as the step's trace, or failed.
    private async Task<(RunStatus Status, RunError Error)?> EndStepAsync(int index, PipelineStep step, InvocationOutcome outcome)
    {
        if (outcome.Queued)
        {
            LogQueued(Key, step.Name, outcome.Error?.Message);
            await UpdateStepAsync(index, s => s with { Status = StepStatus.Pending, Error = outcome.Error }).ConfigureAwait(true);
            var active = _record!.ActiveSeconds + (_time.GetUtcNow() - _stintStartedAt).TotalSeconds;
            await SaveAsync(_record! with { Status = RunStatus.Queued, QueuedReason = outcome.Error?.Message, ActiveSeconds = active }, CancellationToken.None).ConfigureAwait(true);
            return null;
        }

        if (outcome.NothingFitted && step.Invoke.Optional)
        {
            await UpdateStepAsync(index, s => s with { Status = StepStatus.Skipped, Error = outcome.Error, Decision = outcome.Decision ?? s.Decision }).ConfigureAwait(true);
            return null;
        }

        var field = $"steps[{index}].invoke";
        var error = outcome.Error! with { Field = outcome.Error!.Field is { } f ? $"{field}.{f}" : null };
        if (error.Code != RunErrorCodes.BudgetExceeded)
        {
            return Fail(index, RunStatus.Failed, error);
        }

        // The trace of a refused step is the refusal (which scope refused, and why), not an earlier item's ranking.
        if (outcome.Decision is { } refusing)
        {
            var note = $"refused by {error.Scope ?? (error.Field is null ? "budget" : error.Field)}: {error.Message}";
            await UpdateStepAsync(index, s => s with { Decision = refusing with { Notes = [.. refusing.Notes, note] } }).ConfigureAwait(true);
        }

        return Fail(index, RunStatus.BudgetRejected, error, StepStatus.BudgetRejected);
    }

    // One item's invocation, or null when its inputs do not render (the caller reports the template error).
    private InvocationContext? ItemContext(int index, PipelineStep step, TemplateContext baseContext, IReadOnlyList<JsonElement?> items, int item, RunRecord run, Func<bool>? tryTakeRetry)
    {
        var invoke = step.Invoke;
        var pipeline = run.Pipeline;
        var (inputs, templateError) = TemplateEngine.Render(invoke.Inputs, baseContext with { Item = items[item], Index = invoke.ForEach is null ? null : item });
        if (templateError is not null)
        {
            return null;
        }

        return new InvocationContext
        {
            Capability = invoke.Capability,
            Inputs = inputs ?? JsonSerializer.SerializeToElement(new Dictionary<string, object>()),
            StepBudgetCents = invoke.BudgetCents,
            Prefer = invoke.Prefer,
            Fallback = invoke.Fallback,
            Priority = invoke.Priority ?? pipeline.Priority,
            MinQuality = Router.QualityFor(invoke.Complexity, invoke.MinQuality),
            Escalate = invoke.Escalate,
            RetriesPerProvider = invoke.Retries ?? 1,
            Timeout = TimeSpan.FromSeconds(invoke.TimeoutSeconds ?? 120),
            UseCache = invoke.Cache,
            Scopes = pipeline.Scopes,
            PipelineId = pipeline.Id,
            RunId = Key,
            Step = step.Name,
            Item = item,
            StepIndex = index,
            RunRemainingCents = run.BudgetLimitCents is { } limit ? Math.Max(0m, limit - run.TotalCostCents) : null,
            IdempotencyPrefix = $"{Key}/{index}/{item}/g{run.Resumes}",
            TryTakeRetry = tryTakeRetry ?? (static () => false),
        };
    }

    private (RunStatus, RunError) Fail(int index, RunStatus status, RunError error, StepStatus stepStatus = StepStatus.Failed)
    {
        var steps = _record!.Steps.ToList();
        steps[index] = steps[index] with { Status = stepStatus, Error = error };
        _record = _record with { Steps = steps };
        LogStepFailed(Key, steps[index].Name, error.Code, error.Message);
        return (status, error);
    }
}
