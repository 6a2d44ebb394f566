using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Core.Routing;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Grains.Invocation;
using CostOrchestrator.Runtime.Grains;
using CostOrchestrator.Storage;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Pipelines;

/// <summary>
/// One pipeline run. Steps execute in the background (not as a grain turn, so reads and cancellation
/// are served meanwhile); only that execution writes the record. Every completed invocation is
/// journaled before the run moves on, and a resumed run replays the journal instead of invoking again.
/// </summary>
public sealed partial class PipelineRunGrain : Grain, IPipelineRunGrain
{
    private readonly ICostOrchestratorStore _store;
    private readonly InvocationExecutor _executor;
    private readonly RunLeases _leases;
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;
    private readonly ILogger<PipelineRunGrain> _logger;
    private volatile RunRecord? _record;
    private Task? _execution;
    private CancellationTokenSource? _cancel;
    private DateTimeOffset _stintStartedAt;
    private bool _cancelRequested;

    /// <summary>Created by the grain runtime.</summary>
    public PipelineRunGrain(ICostOrchestratorStore store, InvocationExecutor executor, RunLeases leases, TimeProvider time, NodeOptions options, ILogger<PipelineRunGrain> logger)
    {
        _store = store;
        _executor = executor;
        _leases = leases;
        _time = time;
        _options = options;
        _logger = logger;
    }

    private bool IsExecuting => _execution is { IsCompleted: false };

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _record = await _store.GetRunAsync(Key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        if (_execution is { } execution)
        {
            // The node is stopping, not the run: leave it running in the store and hand the lease back so
            // another node (or this one after a restart) continues it from the journal.
            _cancel?.Cancel();
            await execution.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <inheritdoc />
    public async Task<RunRecord> StartAsync(RunSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (_record is { } existing)
        {
            // A run left running by a node that stopped is resumed from its journal by whoever starts it next.
            if (existing.Status is RunStatus.Running or RunStatus.Pending && !IsExecuting)
            {
                await BeginAsync(existing with { Resumes = existing.Resumes + 1 }, cancellationToken).ConfigureAwait(false);
            }

            return _record!;
        }

        var pipeline = submission.Pipeline;
        var now = _time.GetUtcNow();
        var record = new RunRecord
        {
            RunId = Key,
            PipelineId = pipeline.Id,
            Status = RunStatus.Pending,
            Pipeline = pipeline,
            Input = submission.Input,
            Scopes = ScopeChain.For(pipeline.Scopes, pipeline.Id, capability: null, providerId: null, Key),
            CreatedAt = now,
            BudgetLimitCents = pipeline.Budget?.LimitCents ?? (_options.PipelineRunLimits.TryGetValue(pipeline.Id, out var limit) ? limit : null),
            Steps = pipeline.Steps.Select(s => new StepRecord { Name = s.Name, Capability = s.Invoke.Capability }).ToList(),
        };

        if (!await _store.CreateRunAsync(record, cancellationToken).ConfigureAwait(false))
        {
            _record = await _store.GetRunAsync(Key, cancellationToken).ConfigureAwait(false);
            return _record!;
        }

        _record = record;
        await BeginAsync(record, cancellationToken).ConfigureAwait(false);
        return _record!;
    }

    /// <inheritdoc />
    public async Task<RunRecord?> GetAsync(CancellationToken cancellationToken = default)
    {
        if (!IsExecuting && _record is { } known && IsActive(known.Status))
        {
            // Another node holds the lease and writes the progress: read it from the store.
            _record = await _store.GetRunAsync(Key, cancellationToken).ConfigureAwait(false);
        }

        return _record;
    }

    /// <inheritdoc />
    public async Task<RunRecord?> WaitAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_execution is { IsCompleted: false } execution)
            {
                await execution.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            if (_record is null || !IsActive(_record.Status))
            {
                return _record;
            }

            // Executing on another node (or about to be taken over): follow its progress in the store.
            var fresh = await GetAsync(cancellationToken).ConfigureAwait(false);
            if (fresh is null || !IsActive(fresh.Status))
            {
                return fresh;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<RunRecord?> CancelAsync(CancellationToken cancellationToken = default)
    {
        if (_record is not { } record || !IsActive(record.Status) && record.Status != RunStatus.Queued)
        {
            return _record;
        }

        if (IsExecuting)
        {
            _cancelRequested = true;
            await _cancel!.CancelAsync().ConfigureAwait(false);
            await _execution!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return _record;
        }

        await SaveAsync(record with { Status = RunStatus.Cancelled, CompletedAt = _time.GetUtcNow(), Error = new RunError { Code = "cancelled", Message = "cancelled by a caller" } }, CancellationToken.None).ConfigureAwait(false);
        return _record;
    }

    /// <inheritdoc />
    public async Task<RunRecord?> ResumeAsync(CancellationToken cancellationToken = default)
    {
        if (_record is { Status: RunStatus.Queued } queued && !IsExecuting)
        {
            LogResumed(Key);
            await BeginAsync(queued with { Status = RunStatus.Running, QueuedReason = null, Resumes = queued.Resumes + 1 }, cancellationToken).ConfigureAwait(false);
        }

        return _record;
    }

    private static bool IsActive(RunStatus status) => status is RunStatus.Pending or RunStatus.Running;

    private async Task BeginAsync(RunRecord record, CancellationToken cancellationToken)
    {
        var execution = new CancellationTokenSource();
        if (!await _leases.TryAcquireAsync(Key, execution, cancellationToken).ConfigureAwait(false))
        {
            // Another live node is executing this run; reads follow it through the store.
            execution.Dispose();
            _record = await _store.GetRunAsync(Key, cancellationToken).ConfigureAwait(false);
            return;
        }

        var now = _time.GetUtcNow();
        _stintStartedAt = now;
        _cancelRequested = false;
        _cancel?.Dispose();
        _cancel = execution;
        await SaveAsync(record with { Status = RunStatus.Running, StartedAt = record.StartedAt ?? now }, cancellationToken).ConfigureAwait(false);
        var keepAlive = KeepAlive();
        var token = execution.Token;
        LogStarted(Key, record.PipelineId);

        // Runs on the thread pool, outside any turn: the run's reads and cancellation stay responsive.
        _execution = Task.Run(async () =>
        {
            try
            {
                await ExecuteAsync(token).ConfigureAwait(false);
            }
            catch (LeaseLostException)
            {
                LogLeaseLost(Key);
            }
            finally
            {
                keepAlive.Dispose();
                await _leases.ReleaseAsync(Key, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }, CancellationToken.None);
    }

    private async Task ExecuteAsync(CancellationToken cancelToken)
    {
        var record = _record!;
        var pipeline = record.Pipeline;
        var limits = pipeline.Limits;
        // The wall-time budget counts executing time only: a run parked overnight by `fallback: queue` resumes with what it had left.
        var left = TimeSpan.FromSeconds(limits.TimeoutSeconds) - TimeSpan.FromSeconds(record.ActiveSeconds);
        using var timeout = new CancellationTokenSource(Max(left, TimeSpan.Zero), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancelToken, timeout.Token);
        var token = linked.Token;
        try
        {
            var journal = (await _store.GetJournalAsync(Key, token).ConfigureAwait(false)).ToDictionary(j => (j.StepIndex, j.Item));
            var results = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            for (var i = 0; i < pipeline.Steps.Count; i++)
            {
                var step = pipeline.Steps[i];
                var current = _record!.Steps[i];
                if (current.Status is StepStatus.Succeeded or StepStatus.Skipped)
                {
                    if (current.Result is { } done)
                    {
                        results[step.Name] = done;
                    }

                    continue;
                }

                var stepOutcome = await ExecuteStepAsync(i, step, journal, results, token).ConfigureAwait(false);
                if (stepOutcome is not null)
                {
                    await FinishAsync(stepOutcome.Value.Status, stepOutcome.Value.Error, output: null).ConfigureAwait(false);
                    return;
                }

                if (_record!.Status == RunStatus.Queued)
                {
                    return;
                }
            }

            var last = _record!.Steps.LastOrDefault(s => s.Result is not null)?.Result;
            await FinishAsync(RunStatus.Succeeded, error: null, last).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancelToken.IsCancellationRequested && _cancelRequested)
        {
            await FinishAsync(RunStatus.Cancelled, new RunError { Code = "cancelled", Message = "cancelled by a caller" }, output: null).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancelToken.IsCancellationRequested)
        {
            // The node is stopping or lost the lease: the run stays running in the store for whoever continues it.
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await FinishAsync(RunStatus.Failed, new RunError { Code = "limit_exceeded", Field = "limits.timeout_seconds", Message = $"the run exceeded limits.timeout_seconds ({limits.TimeoutSeconds}s)" }, output: null).ConfigureAwait(false);
        }
    }

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
                return Fail(index, RunStatus.Failed, new RunError { Code = "invalid_input", Step = step.Name, Field = field + ".for_each", Message = error ?? "for_each must resolve to a list" });
            }

            if (list.Value.GetArrayLength() > pipeline.Limits.MaxFanout)
            {
                return Fail(index, RunStatus.Failed, new RunError { Code = "limit_exceeded", Step = step.Name, Field = "limits.max_fanout", Message = $"step '{step.Name}' fans out to {list.Value.GetArrayLength()} items, over limits.max_fanout {pipeline.Limits.MaxFanout}" });
            }

            items = list.Value.EnumerateArray().Select(e => (JsonElement?)e.Clone()).ToList();
        }

        await UpdateStepAsync(index, s => s with { Status = StepStatus.Running }).ConfigureAwait(false);
        var outputs = new List<JsonElement>(items.Count);
        for (var item = 0; item < items.Count; item++)
        {
            if (journal.TryGetValue((index, item), out var replay))
            {
                outputs.Add(replay.Result);
                if (!_record!.Steps[index].Invocations.Any(x => x.Item == item))
                {
                    await UpdateStepAsync(index, s => s with { Invocations = [.. s.Invocations, replay.Invocation] }).ConfigureAwait(false);
                }

                continue;
            }

            var run = _record!;
            if (run.InvocationsUsed >= pipeline.Limits.MaxSteps)
            {
                return Fail(index, RunStatus.Failed, new RunError { Code = "limit_exceeded", Step = step.Name, Field = "limits.max_steps", Message = $"the run reached limits.max_steps ({pipeline.Limits.MaxSteps} invocations)" });
            }

            if (run.TokensUsed >= pipeline.Limits.MaxTokens)
            {
                return Fail(index, RunStatus.Failed, new RunError { Code = "limit_exceeded", Step = step.Name, Field = "limits.max_tokens", Message = $"the run reached limits.max_tokens ({pipeline.Limits.MaxTokens})" });
            }

            var (inputs, templateError) = TemplateEngine.Render(invoke.Inputs, baseContext with { Item = items[item], Index = invoke.ForEach is null ? null : item });
            if (templateError is not null)
            {
                return Fail(index, RunStatus.Failed, new RunError { Code = "invalid_input", Step = step.Name, Field = field + ".inputs", Message = $"step '{step.Name}': {templateError}" });
            }

            var retriesUsed = run.RetriesUsed;
            var outcome = await _executor.InvokeAsync(new InvocationContext
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
                RunRemainingCents = run.BudgetLimitCents is { } limit ? Math.Max(0m, limit - run.TotalCostCents) : null,
                IdempotencyPrefix = $"{Key}/{index}/{item}/g{run.Resumes}",
                TryTakeRetry = () => retriesUsed < pipeline.Limits.MaxRetries && ++retriesUsed > 0,
            }, token).ConfigureAwait(false);

            if (outcome.Decision is { } decision && _record!.Steps[index].Decision is null)
            {
                await UpdateStepAsync(index, s => s with { Decision = decision }).ConfigureAwait(false);
            }

            await SaveAsync(_record! with { RetriesUsed = retriesUsed }, token).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                var invocation = outcome.Record!;
                await _store.AppendJournalAsync(new JournalEntry { RunId = Key, StepIndex = index, Item = item, Invocation = invocation, Result = outcome.Result!.Value }, token).ConfigureAwait(false);
                await UpdateStepAsync(index, s => s with { Invocations = [.. s.Invocations, invocation] }).ConfigureAwait(false);
                outputs.Add(outcome.Result!.Value);
                continue;
            }

            if (outcome.Queued)
            {
                LogQueued(Key, step.Name, outcome.Error?.Message);
                await UpdateStepAsync(index, s => s with { Status = StepStatus.Pending, Error = outcome.Error }).ConfigureAwait(false);
                var active = _record!.ActiveSeconds + (_time.GetUtcNow() - _stintStartedAt).TotalSeconds;
                await SaveAsync(_record! with { Status = RunStatus.Queued, QueuedReason = outcome.Error?.Message, ActiveSeconds = active }, CancellationToken.None).ConfigureAwait(false);
                return null;
            }

            if (outcome.NothingFitted && invoke.Optional)
            {
                await UpdateStepAsync(index, s => s with { Status = StepStatus.Skipped, Error = outcome.Error }).ConfigureAwait(false);
                return null;
            }

            var budget = outcome.Error?.Code == "budget_exceeded";
            var error = outcome.Error! with { Field = outcome.Error!.Field is { } f ? $"{field}.{f}" : null };
            return Fail(index, budget ? RunStatus.BudgetRejected : RunStatus.Failed, error, budget ? StepStatus.BudgetRejected : StepStatus.Failed);
        }

        var result = invoke.ForEach is null ? outputs[0] : JsonSerializer.SerializeToElement(outputs);
        results[step.Name] = result;
        await UpdateStepAsync(index, s => s with { Status = StepStatus.Succeeded, Result = result, Error = null }).ConfigureAwait(false);
        return null;
    }

    private (RunStatus, RunError) Fail(int index, RunStatus status, RunError error, StepStatus stepStatus = StepStatus.Failed)
    {
        var steps = _record!.Steps.ToList();
        steps[index] = steps[index] with { Status = stepStatus, Error = error };
        _record = _record with { Steps = steps };
        LogStepFailed(Key, steps[index].Name, error.Code, error.Message);
        return (status, error);
    }

    private async Task UpdateStepAsync(int index, Func<StepRecord, StepRecord> change)
    {
        var steps = _record!.Steps.ToList();
        steps[index] = change(steps[index]);
        await SaveAsync(_record with { Steps = steps }, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task FinishAsync(RunStatus status, RunError? error, JsonElement? output)
    {
        await SaveAsync(_record! with { Status = status, Error = error, Output = output, CompletedAt = _time.GetUtcNow() }, CancellationToken.None).ConfigureAwait(false);
        LogFinished(Key, status, _record!.TotalCostCents);
    }

    private async Task SaveAsync(RunRecord record, CancellationToken cancellationToken)
    {
        var summarized = RunTotals.Summarize(record);
        var owner = IsExecuting || _leases.Holds(Key) ? _options.NodeId : null;
        if (!await _store.SaveRunAsync(summarized, owner, cancellationToken).ConfigureAwait(false))
        {
            throw new LeaseLostException();
        }

        _record = summarized;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RunLeaseLost, Level = LogLevel.Warning, Message = "Run {RunId} stopped here: its lease is held by another node")]
    private partial void LogLeaseLost(string runId);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RunStarted, Level = LogLevel.Information, Message = "Run {RunId} of {PipelineId} started")]
    private partial void LogStarted(string runId, string pipelineId);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RunFinished, Level = LogLevel.Information, Message = "Run {RunId} finished {Status} at {TotalCents}¢")]
    private partial void LogFinished(string runId, RunStatus status, decimal totalCents);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RunQueued, Level = LogLevel.Information, Message = "Run {RunId} queued at step {Step}: {Reason}")]
    private partial void LogQueued(string runId, string step, string? reason);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RunResumed, Level = LogLevel.Information, Message = "Run {RunId} resumed")]
    private partial void LogResumed(string runId);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RunStepFailed, Level = LogLevel.Information, Message = "Run {RunId} step {Step} failed ({Code}): {Message}")]
    private partial void LogStepFailed(string runId, string step, string code, string message);

    // Thrown out of the execution when the store refuses a write because this node no longer holds the run's lease.
    private sealed class LeaseLostException : Exception;
}
