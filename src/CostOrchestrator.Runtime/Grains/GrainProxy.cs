using System.Collections.Concurrent;
using System.Reflection;
using CostOrchestrator.Abstractions.Grains;

namespace CostOrchestrator.Runtime.Grains;

/// <summary>
/// The grain reference handed to callers: every interface call becomes a turn on the grain's
/// activation. Built with <see cref="DispatchProxy"/>, our stand-in for Orleans' generated references.
/// </summary>
public class GrainProxy : DispatchProxy
{
    private static readonly ConcurrentDictionary<MethodInfo, Func<GrainProxy, MethodInfo, object?[], object>> _invokers = new();
    private static readonly MethodInfo _invokeTyped = typeof(GrainProxy).GetMethod(nameof(InvokeTypedAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly MethodInfo _invokeVoid = typeof(GrainProxy).GetMethod(nameof(InvokeVoidAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private GrainRuntime? _runtime;
    private Type? _interfaceType;
    private string? _key;

    internal void Initialize(GrainRuntime runtime, Type interfaceType, string key)
    {
        _runtime = runtime;
        _interfaceType = interfaceType;
        _key = key;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var invoker = _invokers.GetOrAdd(targetMethod, Build);
        return invoker(this, targetMethod, args ?? []);
    }

    private static Func<GrainProxy, MethodInfo, object?[], object> Build(MethodInfo method)
    {
        var returnType = method.ReturnType;
        if (returnType == typeof(Task))
        {
            return (proxy, m, args) => _invokeVoid.Invoke(proxy, [m, args])!;
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var typed = _invokeTyped.MakeGenericMethod(returnType.GetGenericArguments()[0]);
            var call = typed.CreateDelegate<Func<GrainProxy, MethodInfo, object?[], object>>();
            return call;
        }

        throw new NotSupportedException($"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task or Task<T>.");
    }

    private async Task InvokeVoidAsync(MethodInfo method, object?[] args) =>
        await InvokeTypedAsync<bool>(method, args).ConfigureAwait(false);

    private async Task<T> InvokeTypedAsync<T>(MethodInfo method, object?[] args)
    {
        var interleave = method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: true);
        var cancellationToken = args.OfType<CancellationToken>().FirstOrDefault();
        while (true)
        {
            var activation = _runtime!.GetActivation(_interfaceType!, _key!);
            try
            {
                Task<T> Work() => Call<T>(activation.Grain, method, args);
                return interleave
                    ? await activation.RunInterleavedAsync(Work).ConfigureAwait(false)
                    : await activation.RunTurnAsync(Work, cancellationToken).ConfigureAwait(false);
            }
            catch (ActivationDeactivatedException)
            {
                // The activation was collected while this call waited for its turn; go to a fresh one.
            }
        }
    }

    private static async Task<T> Call<T>(Grain grain, MethodInfo method, object?[] args)
    {
        object? result;
        try
        {
            result = method.Invoke(grain, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        switch (result)
        {
            case Task<T> typed:
                return await typed.ConfigureAwait(false);
            case Task task:
                await task.ConfigureAwait(false);
                return default!;
            default:
                throw new InvalidOperationException($"{method.Name} returned no task.");
        }
    }
}
