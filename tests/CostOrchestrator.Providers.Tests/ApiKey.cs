namespace CostOrchestrator.Providers.Tests;

/// <summary>
/// An API key in an environment variable with a name of its own, so tests running in parallel never see each
/// other's keys; removed on dispose.
/// </summary>
internal sealed class ApiKey : IDisposable
{
    private ApiKey(string env, string? value)
    {
        Env = env;
        Value = value;
        Environment.SetEnvironmentVariable(env, value);
    }

    public string Env { get; }

    public string? Value { get; }

    /// <summary>A set variable holding a fresh secret.</summary>
    public static ApiKey Set() => new(NewName(), "sk-secret-" + Guid.NewGuid().ToString("N"));

    /// <summary>A variable name that is not set.</summary>
    public static ApiKey Unset() => new(NewName(), null);

    public void Dispose() => Environment.SetEnvironmentVariable(Env, null);

    private static string NewName() => "COSTORCH_TEST_KEY_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
}
