using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Core.Routing;
using CostOrchestrator.Grains.Diagnostics;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Grains.Invocation;
using CostOrchestrator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Pipelines;

/// <summary>
/// One pipeline run. Steps execute in the background on the activation's scheduler (not as a request, so
/// reads and cancellation are served meanwhile); only that execution writes the record. Every completed
/// invocation is journaled before the run moves on, and a resumed run replays the journal instead of invoking
/// again. While it executes, an Orleans reminder stands: if the silo dies, the reminder activates the run on a
/// surviving silo, which continues it from the journal. Each activation claims the run's record before writing,
/// so a superseded duplicate activation cannot overwrite its successor's progress.
/// </summary>
// Awaits keep ConfigureAwait(true): the execution and the requests share the activation's scheduler, one at a time.
// Placed on the silo that submits it: the node that accepted the run executes it, unless that node dies.
[Orleans.Placement.PreferLocalPlacement]
public sealed partial class PipelineRunGrain : Grain, IPipelineRunGrain, IRemindable
{
    /// <summary>The reminder that brings an executing run back after its silo died.</summary>
    public const string ResumeReminder = "resume";

    // A watcher is answered after this long without change, well inside Orleans' 30 s response timeout.
    private static readonly TimeSpan WatchPatience = TimeSpan.FromSeconds(15);

    private readonly RunChanges _changes = new();

    private readonly ICostOrchestratorStore _store;
    private readonly InvocationExecutor _executor;
    private readonly PipelineExplainer _explainer;
    private readonly string _activationId = Guid.NewGuid().ToString("N");
    private readonly TimeProvider _time;
    private readonly NodeOptions _options;
    private readonly CostOrchestratorTelemetry _telemetry;
    private readonly ILogger<PipelineRunGrain> _logger;
    private volatile RunRecord? _record;
    private Task? _execution;
    private CancellationTokenSource? _cancel;
    private DateTimeOffset _stintStartedAt;
    private bool _cancelRequested;

    /// <summary>Created by Orleans on activation.</summary>
    public PipelineRunGrain(ICostOrchestratorStore store, InvocationExecutor executor, PipelineExplainer explainer, [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options,
        CostOrchestratorTelemetry telemetry, ILogger<PipelineRunGrain> logger)
    {
        _store = store;
        _executor = executor;
        _explainer = explainer;
        _time = time;
        _options = options;
        _telemetry = telemetry;
        _logger = logger;
    }

    private string Key => this.GetPrimaryKeyString();

    private bool IsExecuting => _execution is { IsCompleted: false };

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _record = await _store.GetRunAsync(Key, cancellationToken).ConfigureAwait(true);
        if (_record is not { } record)
        {
            return;
        }

        // From here on only this activation may write the run (a stale duplicate's next save is refused).
        await _store.ClaimRunAsync(Key, _activationId, cancellationToken).ConfigureAwait(true);
        await AddSettledChargesFromLedgerAsync(cancellationToken).ConfigureAwait(true);
        record = _record!;
        if (IsActive(record.Status))
        {
            // Left running by a silo that died or stopped: whoever activates the run continues it from its journal.
            LogRecovered(Key);
            await BeginAsync(record with { Resumes = record.Resumes + 1 }, cancellationToken).ConfigureAwait(true);
        }
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation alone resumes a running run on a live silo (OnActivateAsync). A run still active but no longer
        // executing here had its execution end in an unexpected error: the reminder continues it from the journal.
        // A reminder of a run that has finished or is parked is dropped.
        if (IsExecuting || reminderName != ResumeReminder)
        {
            return Task.CompletedTask;
        }

        if (_record is { } record && IsActive(record.Status))
        {
            LogRecovered(Key);
            return BeginAsync(record with { Resumes = record.Resumes + 1 }, CancellationToken.None);
        }

        return DropResumeReminderAsync();
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_execution is { } execution)
        {
            // The silo is stopping, not the run: leave it running in the store; its reminder (or the next call)
            // activates it again on a live silo, which continues from the journal.
            _cancel?.Cancel();
            await execution.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
    }

    /// <inheritdoc />
    public async Task<RunRecord> StartAsync(RunSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (_record is not null)
        {
            // Submitting again returns the run as it is (a running one was resumed on activation).
            return _record;
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

        if (!await _store.CreateRunAsync(record, cancellationToken).ConfigureAwait(true))
        {
            _record = await _store.GetRunAsync(Key, cancellationToken).ConfigureAwait(true);
            return _record!;
        }

        await _store.ClaimRunAsync(Key, _activationId, cancellationToken).ConfigureAwait(true);

        _record = record;
        await BeginAsync(record, cancellationToken, admit: true).ConfigureAwait(true);
        return _record!;
    }

    /// <inheritdoc />
    public Task<RunRecord?> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(_record);

    /// <inheritdoc />
    public async Task<RunRecord?> WaitAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_execution is { IsCompleted: false } execution)
            {
                await execution.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            return _record;
        }
    }

    /// <inheritdoc />
    public async Task<RunUpdate> WatchAsync(long afterRevision, CancellationToken cancellationToken = default)
    {
        if (afterRevision == _changes.Revision && _record is { } record && IsActive(record.Status))
        {
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            patience.CancelAfter(WatchPatience);
            await _changes.Next.WaitAsync(patience.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return new RunUpdate { Revision = _changes.Revision, Record = _record };
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
            await _cancel!.CancelAsync().ConfigureAwait(true);
            await _execution!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            return _record;
        }

        await SaveAsync(record with { Status = RunStatus.Cancelled, CompletedAt = _time.GetUtcNow(), Error = new RunError { Code = RunErrorCodes.Cancelled, Message = "cancelled by a caller" } }, CancellationToken.None).ConfigureAwait(true);
        _telemetry.RecordRunFinished(RunStatus.Cancelled);
        return _record;
    }

    /// <inheritdoc />
    public async Task<RunRecord?> ResumeAsync(CancellationToken cancellationToken = default)
    {
        if (_record is { Status: RunStatus.Queued } queued && !IsExecuting)
        {
            LogResumed(Key);
            await BeginAsync(queued with { Status = RunStatus.Running, QueuedReason = null, Resumes = queued.Resumes + 1 }, cancellationToken, admit: true).ConfigureAwait(true);
        }

        return _record;
    }

    private static bool IsActive(RunStatus status) => status is RunStatus.Pending or RunStatus.Running;

    // admit: the run starts or leaves the queue, so what is left of it is checked against the budgets first. A run
    // continued from its journal (its silo died) is not: it has spent already and finishing is what is left to buy.
    private async Task BeginAsync(RunRecord record, CancellationToken cancellationToken, bool admit = false)
    {
        await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)).ConfigureAwait(true);
        var execution = new CancellationTokenSource();
        var now = _time.GetUtcNow();
        _stintStartedAt = now;
        _cancelRequested = false;
        _cancel?.Dispose();
        _cancel = execution;
        await SaveAsync(record with { Status = RunStatus.Running, StartedAt = record.StartedAt ?? now }, cancellationToken).ConfigureAwait(true);
        // Idle collection counts requests, not background work: keep the activation while the run may still execute.
        this.DelayDeactivation(TimeSpan.FromSeconds(record.Pipeline.Limits.TimeoutSeconds) + TimeSpan.FromMinutes(1));
        LogStarted(Key, record.PipelineId);

        // Not awaited: the execution continues on this activation's scheduler between requests, so reads and
        // cancellation are served while a provider call is in flight.
        _execution = RunExecutionAsync(admit, execution.Token);
    }

    private async Task RunExecutionAsync(bool admit, CancellationToken token)
    {
        using var trace = TraceExecution();
        try
        {
            if (!admit || await AdmitAsync(token).ConfigureAwait(true))
            {
                await ExecuteAsync(token).ConfigureAwait(true);
            }
        }
        catch (SupersededException)
        {
            LogSuperseded(Key);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unexpected (the store down beyond its retries, a defect): the run stays running, and its resume
            // reminder continues it from the journal, here or on the silo that holds it then.
            LogExecutionFailed(Key, ex);
            return;
        }

        if (_record is { } record && !IsActive(record.Status))
        {
            await DropResumeReminderAsync().ConfigureAwait(true);
        }
    }

    private async Task DropResumeReminderAsync()
    {
        if (await this.GetReminder(ResumeReminder).ConfigureAwait(true) is { } reminder)
        {
            await this.UnregisterReminder(reminder).ConfigureAwait(true);
        }
    }

    // Refuses or queues the run when what is left of it cannot finish within its budgets now; true when it may go.
    private async Task<bool> AdmitAsync(CancellationToken token)
    {
        var verdict = await RunAdmission.CheckAsync(_explainer, _record!, token).ConfigureAwait(true);
        if (verdict.Refusal is not { } refusal)
        {
            return true;
        }

        LogNotAdmitted(Key, verdict.Queue ? "queued" : "refused", refusal.Message);
        if (verdict.Queue)
        {
            await SaveAsync(_record! with { Status = RunStatus.Queued, QueuedReason = refusal.Message }, CancellationToken.None).ConfigureAwait(true);
        }
        else
        {
            await FinishAsync(RunStatus.BudgetRejected, refusal, output: null).ConfigureAwait(true);
        }

        return false;
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
            var journal = (await _store.GetJournalAsync(Key, token).ConfigureAwait(true)).ToDictionary(j => (j.StepIndex, j.Item));
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

                var stepOutcome = await ExecuteStepTracedAsync(i, step, journal, results, token).ConfigureAwait(true);
                if (stepOutcome is not null)
                {
                    await FinishAsync(stepOutcome.Value.Status, stepOutcome.Value.Error, output: null).ConfigureAwait(true);
                    return;
                }

                if (_record!.Status == RunStatus.Queued)
                {
                    return;
                }
            }

            var last = _record!.Steps.LastOrDefault(s => s.Result is not null)?.Result;
            await FinishAsync(RunStatus.Succeeded, error: null, last).ConfigureAwait(true);
        }
        catch (OperationCanceledException) when (cancelToken.IsCancellationRequested && _cancelRequested)
        {
            await FinishAsync(RunStatus.Cancelled, new RunError { Code = RunErrorCodes.Cancelled, Message = "cancelled by a caller" }, output: null).ConfigureAwait(true);
        }
        catch (OperationCanceledException) when (cancelToken.IsCancellationRequested)
        {
            // The silo is stopping: the run stays running in the store for whichever activation continues it.
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await FinishAsync(RunStatus.Failed, new RunError { Code = RunErrorCodes.LimitExceeded, Field = "limits.timeout_seconds", Message = $"the run exceeded limits.timeout_seconds ({limits.TimeoutSeconds}s)" }, output: null).ConfigureAwait(true);
        }
    }

    /// <inheritdoc />
    public Task AddSettledChargeAsync(Reservation settled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settled);
        return AddSettledChargeAsync(settled.ReservationId, settled.Attribution, settled.AmountCents);
    }

    // Idempotent by reservation id. A settlement reaches a run twice: told by whoever settled it, and read back from
    // the ledger when the run finishes or is activated (should the telling have failed).
    private async Task AddSettledChargeAsync(string reservationId, ChargeAttribution attribution, decimal amountCents)
    {
        var index = _record?.Steps.ToList().FindIndex(s => s.Name == attribution.Step) ?? -1;
        if (index < 0 || _record!.Steps.Any(s => s.Invocations.Any(i => i.InvocationId == reservationId)))
        {
            return;
        }

        await UpdateStepAsync(index, s => s with
        {
            Invocations =
            [
                .. s.Invocations,
                new InvocationRecord
                {
                    InvocationId = reservationId,
                    ProviderId = attribution.ProviderId,
                    EstimatedCents = amountCents,
                    ActualCents = amountCents,
                    Attempts = 1,
                    Unreconciled = true,
                },
            ],
        }).ConfigureAwait(true);
    }

    private async Task AddSettledChargesFromLedgerAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in await _store.GetLedgerAsync(new LedgerQuery { RunId = Key }, cancellationToken).ConfigureAwait(true))
        {
            if (entry is { Unreconciled: true, ReservationId: { } reservationId })
            {
                await AddSettledChargeAsync(reservationId, entry.Attribution, entry.ActualCents).ConfigureAwait(true);
            }
        }
    }

    private async Task UpdateStepAsync(int index, Func<StepRecord, StepRecord> change)
    {
        var steps = _record!.Steps.ToList();
        steps[index] = change(steps[index]);
        await SaveAsync(_record with { Steps = steps }, CancellationToken.None).ConfigureAwait(true);
    }

    private async Task FinishAsync(RunStatus status, RunError? error, JsonElement? output)
    {
        await AddSettledChargesFromLedgerAsync(CancellationToken.None).ConfigureAwait(true);
        await SaveAsync(_record! with { Status = status, Error = error, Output = output, CompletedAt = _time.GetUtcNow() }, CancellationToken.None).ConfigureAwait(true);
        _telemetry.RecordRunFinished(status);
        LogFinished(Key, status, _record!.TotalCostCents);
    }

    private async Task SaveAsync(RunRecord record, CancellationToken cancellationToken)
    {
        var summarized = RunTotals.Summarize(record);
        if (!await _store.SaveRunAsync(summarized, _activationId, cancellationToken).ConfigureAwait(true))
        {
            throw new SupersededException();
        }

        _record = summarized;
        _changes.Changed();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RunSuperseded, Level = LogLevel.Warning, Message = "Run {RunId} stopped here: a newer activation claimed it")]
    private partial void LogSuperseded(string runId);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RunExecutionFailed, Level = LogLevel.Error, Message = "Run {RunId} stopped on an unexpected error; its resume reminder continues it")]
    private partial void LogExecutionFailed(string runId, Exception error);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RunRecovered, Level = LogLevel.Information, Message = "Run {RunId} continues from its journal on this silo")]
    private partial void LogRecovered(string runId);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.RunNotAdmitted, Level = LogLevel.Information, Message = "Run {RunId} {Outcome} before spending: {Reason}")]
    private partial void LogNotAdmitted(string runId, string outcome, string reason);

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

    // Thrown out of the execution when the store refuses a write because a newer activation claimed the run.
    private sealed class SupersededException : Exception;
}
