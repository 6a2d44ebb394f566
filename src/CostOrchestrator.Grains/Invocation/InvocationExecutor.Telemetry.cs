using System.Diagnostics;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Grains.Diagnostics;

namespace CostOrchestrator.Grains.Invocation;

/// <summary>
/// Every invocation runs inside one span, named after OpenTelemetry's GenAI conventions (<c>chat gpt-4o-mini</c>, or
/// <c>invoke tts-generate</c> for a provider without a model) and carrying what it cost, and is counted: cache lookups
/// and savings, and the routing decision of one not served from the cache.
/// </summary>
public sealed partial class InvocationExecutor
{
    // The capability whose calls are chat completions (the OpenAI-compatible gateway serves it); other model calls are
    // generate_content in OpenTelemetry's GenAI words.
    private const string ChatCapability = "llm-chat";

    // Adapter kinds whose upstream is one of OpenTelemetry's well-known GenAI providers; other kinds name themselves.
    private const string OpenAiCompatibleKind = "openai-compatible";
    private const string AnthropicKind = "anthropic";
    private const string OpenAiProviderName = "openai";
    private const string AnthropicProviderName = "anthropic";

    /// <summary>
    /// Runs one invocation the way every pipeline step runs: cache, route, reserve the worst case, invoke, commit the
    /// actual cost (or release), record. Expected failures (budget, no provider, provider errors) are values.
    /// </summary>
    public async Task<InvocationOutcome> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var activity = StartInvocation(context);
        try
        {
            var outcome = await InvokeUntracedAsync(context, cancellationToken).ConfigureAwait(false);
            if (context.UseCache)
            {
                _telemetry.RecordCacheLookup(context.Capability, outcome.Record);
            }

            if (outcome.Record is not { CacheHit: true })
            {
                _telemetry.RecordDecision(context.Capability, outcome);
            }

            EndInvocation(activity, context, outcome);
            return outcome;
        }
        catch (Exception ex)
        {
            Failed(activity, ex);
            throw;
        }
    }

    /// <inheritdoc cref="StreamChatUntracedAsync"/>
    public async Task<InvocationOutcome?> StreamChatAsync(InvocationContext context, JsonElement requestBody,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task> onSseLine, Action<ProviderRecord, decimal>? onStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var activity = StartInvocation(context);
        try
        {
            var outcome = await StreamChatUntracedAsync(context, requestBody, onSseLine, onStart, cancellationToken).ConfigureAwait(false);
            if (outcome is null)
            {
                // Only routed: the provider cannot stream, and the gateway invokes it normally, in a span of its own.
                if (activity is not null)
                {
                    activity.DisplayName = $"route {context.Capability}";
                    activity.SetTag(TelemetryAttributes.Streamed, false);
                }

                return null;
            }

            _telemetry.RecordDecision(context.Capability, outcome);
            EndInvocation(activity, context, outcome);
            activity?.SetTag(TelemetryAttributes.Streamed, outcome.Succeeded);
            return outcome;
        }
        catch (Exception ex)
        {
            Failed(activity, ex);
            throw;
        }
    }

    private static Activity? StartInvocation(InvocationContext context)
    {
        var activity = CostOrchestratorTelemetry.ActivitySource.StartActivity(TelemetryNames.InvocationSpan, ActivityKind.Client);
        if (activity is null)
        {
            return null;
        }

        // Renamed after the model once routing has chosen a provider (EndInvocation).
        activity.DisplayName = $"{TelemetryNames.InvocationSpan} {context.Capability}";
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(TelemetryAttributes.Capability, context.Capability);
            activity.SetTag(TelemetryAttributes.PipelineId, context.PipelineId);
            activity.SetTag(TelemetryAttributes.RunId, context.RunId);
            activity.SetTag(TelemetryAttributes.Step, context.Step);
            if (context.Step is not null)
            {
                activity.SetTag(TelemetryAttributes.Item, context.Item);
            }
        }

        return activity;
    }

    // What the attempt's reservation holds, on the invocation's span: the last attempt's is the one committed. Only on
    // our own invocation span: with nobody listening to it, Activity.Current is a caller's span, which is not ours to tag.
    private static void TagReserved(decimal reservedCents)
    {
        if (Activity.Current is { OperationName: TelemetryNames.InvocationSpan, IsAllDataRequested: true } activity
            && activity.Source == CostOrchestratorTelemetry.ActivitySource)
        {
            activity.SetTag(TelemetryAttributes.ReservedCents, (double)reservedCents);
        }
    }

    private void EndInvocation(Activity? activity, InvocationContext context, InvocationOutcome outcome)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        if (outcome.Record is { } record)
        {
            var provider = _registry.Known.FirstOrDefault(p => p.ProviderId == record.ProviderId);
            if (provider?.Model is { Length: > 0 } model)
            {
                var operation = context.Capability == ChatCapability ? TelemetryAttributes.GenAiOperations.Chat : TelemetryAttributes.GenAiOperations.GenerateContent;
                activity.DisplayName = $"{operation} {model}";
                activity.SetTag(TelemetryAttributes.GenAiOperationName, operation);
                activity.SetTag(TelemetryAttributes.GenAiRequestModel, model);
                activity.SetTag(TelemetryAttributes.GenAiProviderName, provider.Kind switch
                {
                    OpenAiCompatibleKind => OpenAiProviderName,
                    AnthropicKind => AnthropicProviderName,
                    var kind => kind,
                });
            }

            activity.SetTag(TelemetryAttributes.ProviderId, record.ProviderId);
            activity.SetTag(TelemetryAttributes.InvocationId, record.InvocationId);
            activity.SetTag(TelemetryAttributes.CacheHit, record.CacheHit);
            activity.SetTag(TelemetryAttributes.Attempts, record.Attempts);
            activity.SetTag(TelemetryAttributes.ActualCents, (double)record.ActualCents);
            activity.SetTag(TelemetryAttributes.ScopeChain, ScopeChain.For(context.Scopes, context.PipelineId, context.Capability, record.ProviderId, context.RunId).ToArray());
            if (record.CacheHit)
            {
                activity.SetTag(TelemetryAttributes.SavedCents, (double)record.SavedCents);
            }
            else
            {
                activity.SetTag(TelemetryAttributes.EstimatedCents, (double)record.EstimatedCents);
            }

            if (record.Tokens is { } tokens)
            {
                activity.SetTag(TelemetryAttributes.GenAiInputTokens, tokens.Input);
                activity.SetTag(TelemetryAttributes.GenAiOutputTokens, tokens.Output);
            }
        }

        if (outcome.Error is { } error)
        {
            activity.SetTag(TelemetryAttributes.ErrorType, error.Code);
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }
    }

    private static void Failed(Activity? activity, Exception exception)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryAttributes.ErrorType, exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        }
    }
}
