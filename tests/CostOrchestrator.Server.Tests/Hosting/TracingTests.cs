using System.Collections.Concurrent;
using System.Diagnostics;
using CostOrchestrator.Grains.Diagnostics;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;
using static CostOrchestrator.Grains.Diagnostics.TelemetryAttributes;

namespace CostOrchestrator.Server.Tests.Hosting;

/// <summary>
/// A run is traced as a run span whose children are its step spans, whose children are its invocations' GenAI spans,
/// which carry the model, the tokens and what was estimated, reserved and charged, as the run record and the ledger say;
/// grain calls carry the trace, so the run is in the trace of the HTTP request that submitted it and the reservation
/// calls are in the invocation's. An in-process listener sees the spans as they end; runs of other nodes in this process
/// are told apart by run id.
/// </summary>
public sealed class TracingTests(RunningNode node) : IClassFixture<RunningNode>
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_IsOneSpan_ItsStepsItsChildren_AndEachInvocationAGenAiSpanWithWhatItCost()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is TelemetryNames.Source or AspNetCoreSource || source.Name == Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var (paid, cached, _) = await TelemetryWorkload.RunAsync(node, "tracing");

        var run = Assert.Single(SpansOf(spans, TelemetryNames.RunSpan, paid.RunId));
        Assert.Equal("succeeded", run.GetTagItem(RunStatus));
        Assert.Equal((double)paid.TotalCostCents, run.GetTagItem(ActualCents));

        // The run's parent is the grain call that started it, made by the HTTP request that submitted the run.
        var started = Assert.Single(spans, s => s.SpanId == run.ParentSpanId);
        Assert.Equal((ActivityKind.Server, run.TraceId), (started.Kind, started.TraceId));
        var call = Assert.Single(spans, s => s.SpanId == started.ParentSpanId);
        Assert.Equal(ActivityKind.Client, call.Kind);
        Assert.Equal(AspNetCoreSource, call.Parent?.Source.Name);
        var steps = SpansOf(spans, TelemetryNames.StepSpan, paid.RunId).OrderBy(s => (int)s.GetTagItem(StepIndex)!).ToList();
        Assert.Equal([TelemetryWorkload.ClipStep, TelemetryWorkload.CaptionStep], steps.Select(s => (string)s.GetTagItem(Step)!));
        Assert.All(steps, step => Assert.Equal((run.TraceId, run.SpanId), (step.TraceId, step.ParentSpanId)));
        Assert.All(steps, step => Assert.Equal("succeeded", step.GetTagItem(StepStatus)));

        var invocations = SpansOf(spans, TelemetryNames.InvocationSpan, paid.RunId).ToList();
        Assert.Equal(2, invocations.Count);
        Assert.All(invocations, invocation =>
        {
            var step = Assert.Single(steps, s => Equals(s.GetTagItem(Step), invocation.GetTagItem(Step)));
            Assert.Equal((run.TraceId, step.SpanId), (invocation.TraceId, invocation.ParentSpanId));
            Assert.Equal(ActivityKind.Client, invocation.Kind);
        });

        var caption = Assert.Single(invocations, s => Equals(s.GetTagItem(Step), TelemetryWorkload.CaptionStep));
        var record = Assert.Single(paid.Steps.Single(s => s.Name == TelemetryWorkload.CaptionStep).Invocations);
        var reservation = Assert.Single(await node.Store.GetLedgerAsync(new LedgerQuery { RunId = paid.RunId }, Ct), e => e.ReservationId is not null && e.Attribution.Step == TelemetryWorkload.CaptionStep);
        Assert.Equal($"chat {TelemetryWorkload.CaptionModel}", caption.DisplayName);
        Assert.Equal("chat", caption.GetTagItem(GenAiOperationName));
        Assert.Equal(TelemetryWorkload.CaptionModel, caption.GetTagItem(GenAiRequestModel));
        Assert.Equal("simulated", caption.GetTagItem(GenAiProviderName));
        Assert.True(record.Tokens!.Output > 0);
        Assert.Equal((record.Tokens.Input, record.Tokens.Output), ((long)caption.GetTagItem(GenAiInputTokens)!, (long)caption.GetTagItem(GenAiOutputTokens)!));
        Assert.Equal(record.ProviderId, caption.GetTagItem(ProviderId));
        Assert.Equal(false, caption.GetTagItem(CacheHit));
        Assert.Equal((double)record.EstimatedCents, caption.GetTagItem(EstimatedCents));
        Assert.Equal((double)reservation.EstimatedCents, caption.GetTagItem(ReservedCents));
        Assert.Equal((double)record.ActualCents, caption.GetTagItem(ActualCents));
        Assert.Equal((double)reservation.ActualCents, caption.GetTagItem(ActualCents));
        Assert.Contains(spans, s => s.Source.Name == Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName
            && s.ParentSpanId == caption.SpanId && s.DisplayName.Contains("ReserveAsync", StringComparison.Ordinal));
        var chain = (string[])caption.GetTagItem(ScopeChain)!;
        Assert.Equal(["global", "team:telemetry", $"provider:{record.ProviderId}", $"run:{paid.RunId}"], chain.Where(s => s is "global" or "team:telemetry" || s.StartsWith("provider:", StringComparison.Ordinal) || s.StartsWith("run:", StringComparison.Ordinal)));

        // A provider without a model is not a GenAI call: its span is named after the capability.
        var clip = Assert.Single(invocations, s => Equals(s.GetTagItem(Step), TelemetryWorkload.ClipStep));
        Assert.Equal("invoke ai-video-generate", clip.DisplayName);
        Assert.Null(clip.GetTagItem(GenAiRequestModel));
        Assert.Equal((double)paid.Steps[0].ActualCents, clip.GetTagItem(ActualCents));

        // The second run bought nothing: each invocation says what the cache saved it.
        var fromCache = SpansOf(spans, TelemetryNames.InvocationSpan, cached.RunId).ToList();
        Assert.Equal(2, fromCache.Count);
        Assert.All(fromCache, s => Assert.Equal((true, 0d), ((bool)s.GetTagItem(CacheHit)!, (double)s.GetTagItem(ActualCents)!)));
        Assert.Equal((double)paid.TotalCostCents, fromCache.Sum(s => (double)s.GetTagItem(SavedCents)!), 9);
        Assert.Equal($"chat {TelemetryWorkload.CaptionModel}", Assert.Single(fromCache, s => Equals(s.GetTagItem(Step), TelemetryWorkload.CaptionStep)).DisplayName);
    }

    private static IEnumerable<Activity> SpansOf(IEnumerable<Activity> spans, string operation, string runId) =>
        spans.Where(s => s.OperationName == operation && Equals(s.GetTagItem(RunId), runId));
}
