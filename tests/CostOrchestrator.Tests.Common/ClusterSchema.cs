using Npgsql;

namespace CostOrchestrator.Tests.Common;

/// <summary>What both cluster harnesses need of their PostgreSQL schema and their silos' failure detection.</summary>
public static class ClusterSchema
{
    public static string NewName() => "cluster_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Failure detection in seconds rather than Orleans' production defaults, so a killed silo is declared dead
    /// quickly; but not so eager that a live silo stalled by a loaded two-core CI machine (several clusters and a
    /// browser in one run) is declared dead by mistake: three missed probes of two seconds.
    /// </summary>
    public static void QuickFailureDetection(ISiloBuilder silo) =>
        silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
        });

    public static async Task DropAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
