using Npgsql;

namespace CostOrchestrator.Tests.Common;

/// <summary>
/// The PostgreSQL server under test, from <c>COSTORCH_TEST_PG</c>. Missing or unreachable: the tests skip with the
/// command that starts one, except under CI (env <c>CI</c> set), where they fail.
/// </summary>
public static class PostgreSqlServer
{
    public const string EnvironmentVariable = "COSTORCH_TEST_PG";

    private const string StartCommand =
        "D=$(mktemp -d); chown postgres \"$D\"; " +
        "runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D \"$D/data\" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 && " +
        "runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D \"$D/data\" -o \"-p 55432 -k $D -c listen_addresses=127.0.0.1\" -l \"$D/log\" -w start; " +
        "export COSTORCH_TEST_PG=\"Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres\"";

    private static readonly Lazy<Task<string?>> _problem = new(ProbeAsync);

    public static string? ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Returns the connection string, or skips (locally) / fails (CI) the calling test.</summary>
    public static async Task<string> RequireAsync()
    {
        var problem = await _problem.Value;
        if (problem is null)
        {
            return ConnectionString!;
        }

        var message = $"PostgreSQL tests need a server: {problem} Start one and point {EnvironmentVariable} at it, e.g.: {StartCommand}";
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return null!;
    }

    private static async Task<string?> ProbeAsync()
    {
        if (ConnectionString is not { } connectionString)
        {
            return $"{EnvironmentVariable} is not set.";
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5 };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or TimeoutException)
        {
            return $"{EnvironmentVariable} is set but the server is unreachable ({ex.Message}).";
        }
    }
}
