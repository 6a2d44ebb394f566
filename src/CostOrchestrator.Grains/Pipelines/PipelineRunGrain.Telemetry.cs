using System.Diagnostics;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Grains.Diagnostics;

namespace CostOrchestrator.Grains.Pipelines;

/// <summary>
/// The run's spans: one per execution (<c>pipeline.run</c>) and one per step executed in it (<c>pipeline.step</c>),
/// whose invocations' spans are its children.
/// </summary>
/// <remarks>
/// An execution is one async flow on the activation's scheduler that spans many turns (requests are served between
/// them), and <see cref="Activity.Current"/> flows with it as any async-local does: the step spans started inside it are
/// children of the run span, the invocation spans children of their step's, and grain calls made from them carry the
/// span on through Orleans' activity propagation. The run span's own parent is whatever was current when the execution
/// began: the grain call that submitted (or resumed) the run. A run parked by <c>fallback: queue</c>, or continued on
/// another silo after its own died, gets one run span per execution, each naming the run.
/// </remarks>
public sealed partial class PipelineRunGrain
{
    private RunTrace TraceExecution()
    {
        var activity = CostOrchestratorTelemetry.ActivitySource.StartActivity(TelemetryNames.RunSpan, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true } && _record is { } record)
        {
            activity.SetTag(TelemetryAttributes.RunId, record.RunId);
            activity.SetTag(TelemetryAttributes.PipelineId, record.PipelineId);
            activity.SetTag(TelemetryAttributes.RunResumes, record.Resumes);
        }

        return new RunTrace(this, activity);
    }

    private async Task<(RunStatus Status, RunError Error)?> ExecuteStepTracedAsync(int index, PipelineStep step, Dictionary<(int, int), JournalEntry> journal,
        Dictionary<string, JsonElement> results, CancellationToken token)
    {
        using var activity = CostOrchestratorTelemetry.ActivitySource.StartActivity(TelemetryNames.StepSpan, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryAttributes.RunId, Key);
            activity.SetTag(TelemetryAttributes.Step, step.Name);
            activity.SetTag(TelemetryAttributes.StepIndex, index);
            activity.SetTag(TelemetryAttributes.Capability, step.Invoke.Capability);
        }

        try
        {
            var ended = await ExecuteStepAsync(index, step, journal, results, token).ConfigureAwait(true);
            if (activity is { IsAllDataRequested: true } && _record is { } record)
            {
                var done = record.Steps[index];
                activity.SetTag(TelemetryAttributes.StepStatus, ApiNames<StepStatus>.Of(done.Status));
                activity.SetTag(TelemetryAttributes.ActualCents, (double)done.ActualCents);
                if (done.Error is { } error)
                {
                    activity.SetTag(TelemetryAttributes.ErrorType, error.Code);
                    if (ended is not null)
                    {
                        activity.SetStatus(ActivityStatusCode.Error, error.Message);
                    }
                }
            }

            return ended;
        }
        catch (Exception ex) when (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryAttributes.ErrorType, ex.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    // Ends the run span with how the execution left the run: finished, parked (queued), or still running (the silo is
    // stopping, or an unexpected error left it to its resume reminder).
    private readonly struct RunTrace(PipelineRunGrain grain, Activity? activity) : IDisposable
    {
        public void Dispose()
        {
            if (activity is null)
            {
                return;
            }

            if (activity.IsAllDataRequested && grain._record is { } record)
            {
                activity.SetTag(TelemetryAttributes.RunStatus, ApiNames<RunStatus>.Of(record.Status));
                activity.SetTag(TelemetryAttributes.ActualCents, (double)record.TotalCostCents);
                if (record.Error is { } error && record.Status is RunStatus.Failed or RunStatus.BudgetRejected)
                {
                    activity.SetTag(TelemetryAttributes.ErrorType, error.Code);
                    activity.SetStatus(ActivityStatusCode.Error, error.Message);
                }
            }

            activity.Dispose();
        }
    }
}
