using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Registry;
using CostOrchestrator.Core.Routing;
using CostOrchestrator.Providers;

namespace CostOrchestrator.Grains.Invocation;

/// <summary>The gateway's streaming path: reserve, pass the upstream's SSE lines through as they arrive, commit from the usage.</summary>
public sealed partial class InvocationExecutor
{
    /// <summary>
    /// Streams a chat completion through the cheapest eligible provider when its adapter can stream: the
    /// worst case is reserved first, every upstream SSE line is handed to <paramref name="onSseLine"/> as it
    /// arrives, and the actual cost is committed from the final usage — or, when the client goes away
    /// mid-stream, from the tokens it received (the upstream call is aborted). Returns null when the chosen
    /// provider cannot stream; the caller then invokes normally and replays the answer. <paramref name="onStart"/>
    /// is told the provider and the worst case reserved once the reservation holds, before the upstream is called
    /// (so before the first byte): a gateway sends them as headers. StreamChatAsync (InvocationExecutor.Telemetry.cs)
    /// runs this inside the invocation's span.
    /// </summary>
    private async Task<InvocationOutcome?> StreamChatUntracedAsync(InvocationContext context, JsonElement requestBody,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task> onSseLine, Action<ProviderRecord, decimal>? onStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(onSseLine);
        var (request, failure) = await RoutingRequestAsync(context, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var route = Router.Route(request!);
        if (!route.HasCandidate)
        {
            return null;
        }

        var (provider, worstCase) = route.Ordered[0];
        if (_adapters.For(provider.Kind) is not IStreamingChatAdapter streaming)
        {
            return null;
        }

        var invocationId = "inv_" + Guid.NewGuid().ToString("N")[..20];
        var chain = ScopeChain.For(context.Scopes, context.PipelineId, context.Capability, provider.ProviderId, context.RunId);
        var reservations = Coordinator;
        var reservation = await reservations.ReserveAsync(new ReservationRequest
        {
            Chain = chain,
            AmountCents = worstCase,
            IdempotencyKey = $"{context.IdempotencyPrefix}/{provider.ProviderId}/stream",
            Priority = context.Priority,
            Attribution = new ChargeAttribution { ProviderId = provider.ProviderId, Capability = context.Capability, PipelineId = context.PipelineId, RunId = context.RunId, Step = context.Step },
        }, cancellationToken).ConfigureAwait(false);
        if (reservation.Denial is { } denial)
        {
            return new InvocationOutcome { Decision = route.Decision, Error = new RunError { Code = RunErrorCodes.BudgetExceeded, Scope = denial.Scope, Message = denial.Message, Denial = denial } };
        }

        if (await AdmitToQuotaAsync(provider, Reserved(reservation).ReservationId, reservations, cancellationToken).ConfigureAwait(false) is { Admitted: false })
        {
            // Its monthly quota is taken and nothing was sent yet: the caller invokes normally, which routes around it.
            return null;
        }

        TagReserved(Reserved(reservation).AmountCents);
        onStart?.Invoke(provider, worstCase);

        // A client that went away shows up either as the request's token or as a failed write to it; both end
        // the upstream call the same way, so the cost of what was streamed is still committed below.
        using var clientGone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task ForwardAsync(ReadOnlyMemory<byte> line, CancellationToken token)
        {
            if (clientGone.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await onSseLine(line, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                await clientGone.CancelAsync().ConfigureAwait(false);
            }
        }

        var started = _time.GetTimestamp();
        var result = await streaming.StreamChatAsync(new ProviderCall
        {
            Provider = provider,
            Inputs = context.Inputs,
            InvocationId = invocationId,
            ArtifactDirectory = Path.Combine(_options.ArtifactDirectory, context.Capability),
        }, requestBody, ForwardAsync, clientGone.Token).ConfigureAwait(false);
        var latencyMs = _time.GetElapsedTime(started).TotalMilliseconds;

        if (!result.Completed && result.OutputChunks == 0 && !clientGone.IsCancellationRequested)
        {
            // Nothing reached the client and the upstream failed: nothing was used, give the head-room back.
            await reservations.ReleaseAsync(Reserved(reservation).ReservationId, CancellationToken.None).ConfigureAwait(false);
            await EndQuotaCallAsync(provider, Reserved(reservation).ReservationId, used: false).ConfigureAwait(false);
            await _registry.ReportOutcomeAsync(provider, false, latencyMs, CancellationToken.None).ConfigureAwait(false);
            _telemetry.RecordProviderCall(provider, succeeded: false, retryable: true, latencyMs);
            return new InvocationOutcome { Decision = route.Decision, Error = new RunError { Code = RunErrorCodes.ProviderFailed, Message = result.Error ?? "the upstream stream failed" } };
        }

        // Charged for what was used: the final usage, or the tokens streamed before the client went away.
        var usage = result.UsageOrEstimate(requestBody);
        var actual = Math.Min(CostEstimator.Actual(provider, context.Inputs, usage), result.Completed ? decimal.MaxValue : worstCase);
        await reservations.CommitAsync(Reserved(reservation).ReservationId, actual, usage, CancellationToken.None).ConfigureAwait(false);
        await EndQuotaCallAsync(provider, Reserved(reservation).ReservationId, used: true).ConfigureAwait(false);
        await _registry.ReportOutcomeAsync(provider, result.Completed, latencyMs, CancellationToken.None).ConfigureAwait(false);
        _telemetry.RecordProviderCall(provider, result.Completed, retryable: true, latencyMs);
        return new InvocationOutcome
        {
            Decision = route.Decision,
            Result = JsonSerializer.SerializeToElement(new { content = result.Content, completed = result.Completed }),
            Record = new InvocationRecord
            {
                InvocationId = invocationId,
                ProviderId = provider.ProviderId,
                EstimatedCents = worstCase,
                ActualCents = actual,
                LatencyMs = Math.Round(latencyMs, 3),
                Attempts = 1,
                Tokens = usage,
            },
        };

        static Reservation Reserved(ReservationOutcome outcome) => outcome.Reservation!;
    }
}
