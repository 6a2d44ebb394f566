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
    private readonly ConcurrentBag<TaskCompletionSource> _forgotten = [];

    public SimulatedProviderAdapter Simulated { get; } = simulated;

    public string Kind => "simulated";

    /// <summary>Closes the gate of a provider; returns a task that completes when a call arrives at it.</summary>
    public Task CloseGate(string providerId)
    {
        var gate = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _gates[providerId] = gate;
        return gate.Item1.Task;
    }

    /// <summary>
    /// Leaves the calls waiting at a provider's gate waiting for good, as a process that died mid-call never
    /// continues; calls that arrive later pass.
    /// </summary>
    public void ForgetGate(string providerId)
    {
        if (_gates.TryRemove(providerId, out var gate))
        {
            _forgotten.Add(gate.Open);
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
            try
            {
                await gate.Open.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (_forgotten.Contains(gate.Open))
            {
                // A dead process does not notice its cancellation either: nothing after this ever runs.
                await new TaskCompletionSource().Task;
            }
        }

        return await Simulated.InvokeAsync(call, cancellationToken);
    }

    public Task<ProviderHealthReport> CheckHealthAsync(ProviderRecord provider, CancellationToken cancellationToken) =>
        Simulated.CheckHealthAsync(provider, cancellationToken);
}
