using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Grains.Invocation;
using CostOrchestrator.Providers;
using CostOrchestrator.Providers.Simulated;
using Microsoft.Extensions.DependencyInjection;

// Throughput of the governor's hot path (reserve + commit on a 3-scope chain) on each store and node count,
// and the overhead budget enforcement adds to one invocation. Every figure is reported as a ratio against
// a baseline measured in the same run on the same machine; absolute numbers are printed for context only.
var postgres = args.SkipWhile(a => a != "--postgres").Skip(1).FirstOrDefault();
var seconds = double.Parse(args.SkipWhile(a => a != "--seconds").Skip(1).FirstOrDefault() ?? "5", CultureInfo.InvariantCulture);
var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
var rows = new List<(string Name, double OpsPerSecond, string Note)>();

var dir = Directory.CreateTempSubdirectory("costorch-bench").FullName;
rows.Add(await MeasureReservationsAsync("SQLite, 1 node, 16 callers", [await StartAsync(dir, new SiloSettings(), "n1")], 16, seconds));
if (postgres is not null)
{
    // Each figure on a fresh schema; the silos' own tables (membership, reminders) live there too.
    var one = CostOrchestrator.Storage.PostgreSql.PostgreSqlStore.ConnectionStringFor(postgres, "bench_" + Guid.NewGuid().ToString("N")[..8]);
    rows.Add(await MeasureReservationsAsync("PostgreSQL, 1 node, 16 callers", [await StartAsync(dir + "/p1", new SiloSettings { PostgresConnectionString = one }, "p1")], 16, seconds));
    var schema3 = "bench_" + Guid.NewGuid().ToString("N")[..8];
    var cluster = new SiloSettings { Clustering = SiloClustering.AdoNet, PostgresConnectionString = CostOrchestrator.Storage.PostgreSql.PostgreSqlStore.ConnectionStringFor(postgres, schema3), ClusterId = schema3 };
    var three = new List<CostOrchestratorNode>();
    for (var i = 1; i <= 3; i++)
    {
        three.Add(await StartAsync($"{dir}/c{i}", cluster, $"c{i}"));
    }

    rows.Add(await MeasureReservationsAsync("PostgreSQL, 3 nodes, 48 callers", three, 48, seconds));
}

var (direct, enforced) = await MeasureInvocationOverheadAsync(dir + "/inv", seconds);

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {seconds:0.#} s per figure.");
report.AppendLine();
report.AppendLine("| reserve + commit, chain of 3 scopes | ops/s | ratio to SQLite 1 node |");
report.AppendLine("| --- | ---: | ---: |");
foreach (var (name, ops, _) in rows)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {ops:0} | {ops / rows[0].OpsPerSecond:0.00} |");
}

report.AppendLine();
report.AppendLine("| one invocation, simulated provider with zero latency | µs per call | ratio |");
report.AppendLine("| --- | ---: | ---: |");
report.AppendLine(CultureInfo.InvariantCulture, $"| adapter called directly (baseline) | {direct:0.0} | 1.00 |");
report.AppendLine(CultureInfo.InvariantCulture, $"| through the executor: route, reserve, invoke, commit, cache write (SQLite) | {enforced:0.0} | {enforced / direct:0.0} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| enforcement overhead per invocation | {enforced - direct:0.0} | |");
Console.Write(report);
if (output is not null)
{
    await File.WriteAllTextAsync(output, report.ToString());
}

return 0;


static Task<CostOrchestratorNode> StartAsync(string dir, SiloSettings silo, string id) =>
    CostOrchestratorNode.StartAsync(new NodeBuilder
    {
        Options = new NodeOptions { NodeId = id, DataDirectory = dir, RunBackgroundLoops = false },
        Silo = silo,
    });

static async Task<(string, double, string)> MeasureReservationsAsync(string name, IReadOnlyList<CostOrchestratorNode> nodes, int callers, double seconds)
{
    await nodes[0].Grains.GetGrain<IBudgetGovernorGrain>("global").SetPolicyAsync(new BudgetPolicy
    {
        Scope = "global",
        Windows = [new BudgetWindowLimit { Window = WindowKind.Day, LimitCents = 1_000_000_000m }],
    });
    var stop = DateTime.UtcNow.AddSeconds(seconds);
    var count = 0L;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
    {
        var governor = nodes[c % nodes.Count].Grains.GetGrain<IBudgetGovernorGrain>($"user:b{c}");
        var reservations = nodes[c % nodes.Count].Grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
        for (var i = 0; DateTime.UtcNow < stop; i++)
        {
            var outcome = await reservations.ReserveAsync(new ReservationRequest { Chain = ["global", $"team:t{c % 4}", $"user:b{c}"], AmountCents = 0.25m, IdempotencyKey = $"{c}-{i}-{Guid.NewGuid():N}" });
            await reservations.CommitAsync(outcome.Reservation!.ReservationId, 0.2m);
            Interlocked.Increment(ref count);
        }
    })));
    var ops = count / clock.Elapsed.TotalSeconds;
    foreach (var node in nodes)
    {
        await node.DisposeAsync();
    }

    Console.Error.WriteLine($"{name}: {ops:0} ops/s");
    return (name, ops, string.Empty);
}

static async Task<(double DirectMicros, double EnforcedMicros)> MeasureInvocationOverheadAsync(string dir, double seconds)
{
    await using var node = await StartAsync(dir, new SiloSettings(), "inv");
    var provider = new ProviderRecord
    {
        ProviderId = "bench-llm",
        Capability = "llm-chat",
        Kind = "simulated",
        Tier = 3,
        CostModel = new CostModel { Kind = CostModelKind.PerToken, InputCentsPerMillionTokens = 15m, OutputCentsPerMillionTokens = 60m },
    };
    await node.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey).UpsertProviderAsync(provider);
    await node.Grains.GetGrain<IBudgetGovernorGrain>("global").SetPolicyAsync(new BudgetPolicy
    {
        Scope = "global",
        Windows = [new BudgetWindowLimit { Window = WindowKind.Day, LimitCents = 1_000_000_000m }],
    });
    var adapter = new SimulatedProviderAdapter();
    var executor = node.Services.GetRequiredService<InvocationExecutor>();
    var inputs = JsonSerializer.SerializeToElement(new { prompt = "How much does this cost?", max_tokens = 64 });

    var direct = await PerCallMicrosAsync(seconds / 2, async i =>
        await adapter.InvokeAsync(new ProviderCall { Provider = provider, Inputs = inputs, InvocationId = $"d{i}", ArtifactDirectory = dir }, CancellationToken.None));
    var enforced = await PerCallMicrosAsync(seconds / 2, async i =>
        await executor.InvokeAsync(new InvocationContext { Capability = "llm-chat", Inputs = inputs, UseCache = false, IdempotencyPrefix = $"bench/{i}" }, CancellationToken.None));
    Console.Error.WriteLine($"invocation: direct {direct:0.0} µs, enforced {enforced:0.0} µs");
    return (direct, enforced);
}

static async Task<double> PerCallMicrosAsync(double seconds, Func<int, Task> call)
{
    for (var i = 0; i < 50; i++)
    {
        await call(-i - 1);
    }

    var stop = DateTime.UtcNow.AddSeconds(seconds);
    var clock = Stopwatch.StartNew();
    var n = 0;
    while (DateTime.UtcNow < stop)
    {
        await call(n++);
    }

    return clock.Elapsed.TotalMicroseconds / n;
}
