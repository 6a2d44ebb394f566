using CostOrchestrator.Abstractions.Grains;

namespace CostOrchestrator.Runtime.Grains;

/// <summary>
/// Base class of grain implementations. The runtime creates one instance per key per node, calls
/// <see cref="OnActivateAsync"/> before the first call, runs calls one turn at a time and calls
/// <see cref="OnDeactivateAsync"/> when the activation has been idle too long or the node stops.
/// </summary>
public abstract class Grain
{
    private GrainActivation? _activation;

    /// <summary>The grain's key.</summary>
    protected string Key => Activation.Key;

    /// <summary>References to other grains.</summary>
    protected IGrainFactory GrainFactory => Activation.Runtime;

    /// <summary>Durable reminders for this grain.</summary>
    protected IReminderRegistry Reminders => Activation.Runtime.Reminders;

    /// <summary>The grain type name under which reminders are stored.</summary>
    protected string GrainType => Activation.GrainType;

    private GrainActivation Activation => _activation ?? throw new InvalidOperationException("The grain is not activated.");

    /// <summary>Loads state. Default: nothing.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Flushes state and stops background work. Default: nothing.</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Keeps the activation alive while background work (a running pipeline) is in progress; dispose
    /// the returned handle when the work ends.
    /// </summary>
    protected IDisposable KeepAlive() => Activation.KeepAlive();

    /// <summary>Runs <paramref name="work"/> as a turn of this activation, queued behind other calls.</summary>
    protected Task<T> RunTurnAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken) =>
        Activation.RunTurnAsync(work, cancellationToken);

    internal void Attach(GrainActivation activation) => _activation = activation;
}
