using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CostOrchestrator.Bench.Load;
using Npgsql;

namespace CostOrchestrator.Bench.Governor;

/// <summary>
/// The baseline for the governor on PostgreSQL: pgbench running the same conditional charge a budget needs as one
/// durable statement, <c>UPDATE … SET spent = spent + 1 WHERE id = … AND spent + 1 &lt;= lim</c>, on the same database in
/// the same run (fsync and synchronous_commit as the server has them, printed with the table). One row for the hot
/// scope, a random one of 1,000 rows for the spread; <c>-M prepared</c>, <c>-j</c> 2 (1 for one client), and latency
/// percentiles from pgbench's per-transaction log. After each run the rows' total must have grown by exactly the
/// transactions pgbench reports, and stayed within their limits.
/// </summary>
internal sealed partial class PgBench
{
    private const string Schema = "bench_pgbench";
    private readonly string _path;
    private readonly string _connectionString;
    private readonly string _directory;
    private int _runs;

    private PgBench(string path, string connectionString, string directory, string settings)
    {
        _path = path;
        _connectionString = connectionString;
        _directory = directory;
        Settings = settings;
    }

    /// <summary>The server's durability settings, as it reported them.</summary>
    public string Settings { get; }

    /// <summary>Creates the tables (one row, and 1,000 rows, each with a limit it cannot reach in a figure).</summary>
    public static async Task<PgBench> CreateAsync(string path, string connectionString, string directory, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var create = new NpgsqlCommand($"""
            DROP SCHEMA IF EXISTS {Schema} CASCADE;
            CREATE SCHEMA {Schema};
            CREATE TABLE {Schema}.hot (id integer PRIMARY KEY, spent bigint NOT NULL, lim bigint NOT NULL);
            CREATE TABLE {Schema}.spread (id integer PRIMARY KEY, spent bigint NOT NULL, lim bigint NOT NULL);
            INSERT INTO {Schema}.hot VALUES (1, 0, 1000000000000);
            INSERT INTO {Schema}.spread SELECT i, 0, 1000000000000 FROM generate_series(1, 1000) AS i;
            """, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var settings = new List<string>();
        foreach (var setting in new[] { "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes" })
        {
            await using var show = new NpgsqlCommand($"SHOW {setting}", connection);
            settings.Add($"{setting}={await show.ExecuteScalarAsync(cancellationToken)}");
        }

        Directory.CreateDirectory(directory);
        return new PgBench(path, connectionString, directory, string.Join(", ", settings));
    }

    /// <summary>Runs pgbench for <paramref name="duration"/> with <paramref name="clients"/> connections.</summary>
    public async Task<PgBenchFigure> RunAsync(ScopeSet scopes, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var hot = scopes.Scopes.Count == 1;
        var table = hot ? "hot" : "spread";
        var run = Interlocked.Increment(ref _runs);
        var script = Path.Combine(_directory, $"{table}.sql");
        await File.WriteAllTextAsync(script, hot
            ? $"UPDATE {Schema}.hot SET spent = spent + 1 WHERE id = 1 AND spent + 1 <= lim;\n"
            : $"\\set id random(1, {scopes.Scopes.Count})\nUPDATE {Schema}.spread SET spent = spent + 1 WHERE id = :id AND spent + 1 <= lim;\n", cancellationToken);
        var before = await TotalSpentAsync(table, cancellationToken);

        var target = new NpgsqlConnectionStringBuilder(_connectionString);
        var logPrefix = Path.Combine(_directory, $"log{run}");
        var start = new ProcessStartInfo(_path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "-h", target.Host ?? "127.0.0.1", "-p", target.Port.ToString(CultureInfo.InvariantCulture), "-U", target.Username ?? "postgres",
            "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Math.Min(clients, 2).ToString(CultureInfo.InvariantCulture),
            "-T", Seconds(duration).ToString(CultureInfo.InvariantCulture),
            "-f", script, "-l", $"--log-prefix={logPrefix}", target.Database ?? "postgres",
        })
        {
            start.ArgumentList.Add(arg);
        }

        if (target.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start) ?? throw new BenchFailureException($"pgbench: could not start {_path}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(duration + TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new BenchFailureException($"pgbench ({table}, {clients} clients) did not finish within {duration.TotalSeconds + 60:0} s");
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new BenchFailureException($"pgbench ({table}, {clients} clients) exited {process.ExitCode}: {await stderr}");
        }

        var tpsLine = TpsLine().Match(output);
        var processedLine = ProcessedLine().Match(output);
        if (!tpsLine.Success || !processedLine.Success || processedLine.Groups[1].Value == "0")
        {
            throw new BenchFailureException($"pgbench ({table}, {clients} clients) measured nothing in {Seconds(duration)} s: {output.ReplaceLineEndings(" ")}");
        }

        var tps = double.Parse(tpsLine.Groups[1].Value, CultureInfo.InvariantCulture);
        var transactions = long.Parse(processedLine.Groups[1].Value, CultureInfo.InvariantCulture);
        var latency = Latency.FromMs(ReadLog(logPrefix));
        var after = await TotalSpentAsync(table, cancellationToken);
        if (after - before != transactions)
        {
            throw new BenchFailureException($"pgbench ({table}, {clients} clients): the rows grew by {after - before}, but pgbench reports {transactions} transactions");
        }

        return new PgBenchFigure(scopes.Label, clients, tps, transactions, latency);
    }

    // pgbench's -T includes connecting its clients (64 take most of a second here), and takes whole seconds: at least 3,
    // so a short development run still measures something.
    private static int Seconds(TimeSpan duration) => Math.Max(3, (int)Math.Round(duration.TotalSeconds));

    private async Task<long> TotalSpentAsync(string table, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT coalesce(sum(spent), 0)::bigint, count(*) FILTER (WHERE spent > lim) FROM {Schema}.{table}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.GetInt64(1) != 0)
        {
            throw new BenchFailureException($"pgbench ({table}): {reader.GetInt64(1)} rows spent past their limit");
        }

        return reader.GetInt64(0);
    }

    // One line per transaction: client, transaction number, latency in µs, script, epoch seconds, µs. One file per
    // pgbench thread (prefix.pid, prefix.pid.1).
    private static IEnumerable<double> ReadLog(string prefix)
    {
        var directory = Path.GetDirectoryName(prefix)!;
        foreach (var file in Directory.GetFiles(directory, Path.GetFileName(prefix) + ".*"))
        {
            foreach (var line in File.ReadLines(file))
            {
                var fields = line.Split(' ');
                if (fields.Length > 2 && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
                {
                    yield return micros / 1000.0;
                }
            }

            File.Delete(file);
        }
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex ProcessedLine();
}
