using System.Collections.Concurrent;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Providers;
using CostOrchestrator.Providers.Simulated;

namespace CostOrchestrator.Tests.Common;

/// <summary>
/// The simulated adapter with a gate per provider: a call to a gated provider waits at the gate (the test
/// sees it arrive) until the test opens it. A call abandoned at the gate never reaches the provider, so the
/// shared <see cref="Simulated"/> counts only calls that really happened.
/// </summary>
public sealed class GatedProviderAdapter(SimulatedProviderAdapter simulated) : IProviderAdapter
{
    private readonly ConcurrentDictionary<string, (TaskCompletionSource Arrived, TaskCompletionSource Open)> _gates = new(StringComparer.Ordinal);

    public SimulatedProviderAdapter Simulated { get; } = simulated;

    public string Kind => "simulated";

    /// <summary>Closes the gate of a provider; returns a task that completes when a call arrives at it.</summary>
    public Task CloseGate(string providerId)
    {
        var gate = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _gates[providerId] = gate;
        return gate.Item1.Task;
    }

    /// <summary>Fails the calls waiting at a provider's gate, as if their process died mid-call; later calls pass.</summary>
    public void AbandonGate(string providerId)
    {
        if (_gates.TryRemove(providerId, out var gate))
        {
            gate.Open.TrySetException(new OperationCanceledException("the caller's process died at the gate"));
        }
    }

    public void OpenGate(string providerId)
    {
        if (_gates.TryRemove(providerId, out var gate))
        {
            gate.Open.TrySetResult();
        }
    }

    public async Task<ProviderOutcome> InvokeAsync(ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (_gates.TryGetValue(call.Provider.ProviderId, out var gate))
        {
            gate.Arrived.TrySetResult();
            await gate.Open.Task.WaitAsync(cancellationToken);
        }

        return await Simulated.InvokeAsync(call, cancellationToken);
    }

    public Task<ProviderHealthReport> CheckHealthAsync(ProviderRecord provider, CancellationToken cancellationToken) =>
        Simulated.CheckHealthAsync(provider, cancellationToken);
}
