using System.Reflection;
using System.Runtime.ExceptionServices;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Tests.Common;

/// <summary>
/// Wraps a node's store so a test can cut the node off in one instant, as if its process died: after
/// <see cref="Kill"/>, every call fails and nothing more reaches the database.
/// </summary>
public class KillSwitchStore : DispatchProxy
{
    private ICostOrchestratorStore? _inner;
    private volatile bool _killed;

    public static (ICostOrchestratorStore Store, KillSwitchStore Switch) Wrap(ICostOrchestratorStore inner)
    {
        var proxy = DispatchProxy.Create<ICostOrchestratorStore, KillSwitchStore>();
        var control = (KillSwitchStore)(object)proxy;
        control._inner = inner;
        return (proxy, control);
    }

    public bool Killed => _killed;

    public void Kill() => _killed = true;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (_killed && targetMethod.Name != nameof(IAsyncDisposable.DisposeAsync))
        {
            throw new StoreUnavailableException("killed by the test: this node is dead");
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}
