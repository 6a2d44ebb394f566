using System.Diagnostics;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Bench.Checks;
using CostOrchestrator.Bench.Hosting;
using CostOrchestrator.Bench.Load;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Providers;
using CostOrchestrator.Providers.Simulated;

namespace CostOrchestrator.Bench.Pipelines;

/// <summary>
/// Runs of a 3-step pipeline (no cache, three capabilities, each a simulated provider with zero latency at a fixed
/// price) submitted through the node's pipeline service and awaited to the end: runs per second with many callers,
/// and per-step overhead (one caller's wall time per step minus the same provider call made on the adapter directly).
/// Embedded, and on PostgreSQL with 1 and 3 silos (callers submit to every silo; a run executes where it was submitted).
/// </summary>
internal sealed class PipelineBench(BenchOptions options, LedgerCheck checks, TextWriter log)
{
    private const int Callers = 32;
    private const decimal RunCostCents = 6m;
    private static readonly string[] _limited = ["global", "team:bench", "pipeline:bench-3"];

    private static readonly ProviderRecord[] _providers =
    [
        Fixed("bench-image", "image-generate", 1m),
        Fixed("bench-chat", "llm-chat", 2m),
        Fixed("bench-video", "ai-video-generate", 3m),
    ];

    private static readonly PipelineDefinition _pipeline = PipelineParser.Parse("""
        { "id": "bench-3", "scopes": { "team": "bench" }, "steps": [
          { "name": "one", "invoke": { "capability": "image-generate", "cache": false, "inputs": { "prompt": "{{ input.topic }}" } } },
          { "name": "two", "invoke": { "capability": "llm-chat", "cache": false, "inputs": { "prompt": "{{ steps.one.result.url }}" } } },
          { "name": "three", "invoke": { "capability": "ai-video-generate", "cache": false, "inputs": { "prompt": "{{ steps.two.result.url }}" } } } ] }
        """).Pipeline ?? throw new InvalidOperationException("the bench pipeline does not parse");

    /// <summary>Runs every figure in turn.</summary>
    public async Task<IReadOnlyList<PipelineFigure>> RunAsync(CancellationToken cancellationToken)
    {
        var figures = new List<PipelineFigure> { await MeasureAsync(BenchBackend.Sqlite, 1, cancellationToken) };
        if (options.Postgres is not null)
        {
            figures.Add(await MeasureAsync(BenchBackend.Postgres, 1, cancellationToken));
            figures.Add(await MeasureAsync(BenchBackend.Postgres, 3, cancellationToken));
        }

        return figures;
    }

    private async Task<PipelineFigure> MeasureAsync(BenchBackend backend, int silos, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.FigureBound);
        var ct = bound.Token;
        var name = $"pipelines, {BenchCluster.NameOf(backend, silos)}";
        await using var cluster = await BenchCluster.StartAsync(backend, silos, options, ct);
        var registry = cluster.First.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
        foreach (var provider in _providers)
        {
            await registry.UpsertProviderAsync(provider, ct);
        }

        foreach (var scope in _limited)
        {
            await cluster.LimitAsync(scope, 1_000_000_000m, ct);
        }

        var succeeded = 0L;
        async Task<bool> RunOnceAsync(int caller, long i, CancellationToken c)
        {
            var input = JsonSerializer.SerializeToElement(new { topic = $"tides {caller}/{i}" });
            var result = await cluster.NodeFor(caller).Pipelines.RunAsync(_pipeline, input, c);
            if (result.Run is not { Status: RunStatus.Succeeded } run)
            {
                throw new BenchFailureException($"{name}: a run ended {result.Run?.Status.ToString() ?? "unsubmitted"}: "
                    + (result.Run?.Error?.Message ?? string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}"))));
            }

            if (run.TotalCostCents != RunCostCents)
            {
                throw new BenchFailureException($"{name}: run {run.RunId} cost {run.TotalCostCents}¢, not {RunCostCents}¢");
            }

            Interlocked.Increment(ref succeeded);
            return true;
        }

        // Every silo warm (its registry copy, the governors, the run path) before the clock starts.
        await ClosedLoop.RunAsync(cluster.Nodes.Count, TimeSpan.FromSeconds(Math.Min(1, options.Seconds)), RunOnceAsync, ct);
        var adapter = await AdapterMicrosAsync(options.DataDirectory, TimeSpan.FromSeconds(options.Seconds / 4), ct);
        var one = await ClosedLoop.RunAsync(1, TimeSpan.FromSeconds(options.Seconds / 2), RunOnceAsync, ct);
        var many = await ClosedLoop.RunAsync(Callers, options.Duration, RunOnceAsync, ct);
        log.WriteLine($"{name}: {many.PerSecond:0.0} runs/s at {Callers} callers; one caller: run p50 {one.Latency.P50Ms:0.00} ms, "
            + $"{one.Latency.P50Ms * 1000 / _pipeline.Steps.Count:0} µs per step, adapter {adapter:0.0} µs");
        var check = await checks.VerifyAsync(name, cluster.First, _limited,
            _limited.ToDictionary(s => s, _ => succeeded * RunCostCents, StringComparer.Ordinal), ct);
        return new PipelineFigure(cluster.Name, Callers, many, one, adapter, _pipeline.Steps.Count, check);
    }

    // The steps' provider calls made directly, round robin over the three: what a step would cost with no engine.
    private static async Task<double> AdapterMicrosAsync(string directory, TimeSpan duration, CancellationToken cancellationToken)
    {
        var adapter = new SimulatedProviderAdapter();
        var inputs = JsonSerializer.SerializeToElement(new { prompt = "sim://bench-image/0123456789abcdef.png" });
        var calls = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration || calls < 100)
        {
            var provider = _providers[calls % _providers.Length];
            var outcome = await adapter.InvokeAsync(new ProviderCall { Provider = provider, Inputs = inputs, InvocationId = $"direct-{calls}", ArtifactDirectory = directory }, cancellationToken);
            if (!outcome.Succeeded)
            {
                throw new BenchFailureException($"the simulated adapter failed when called directly: {outcome.Error}");
            }

            calls++;
        }

        return clock.Elapsed.TotalMicroseconds / calls;
    }

    private static ProviderRecord Fixed(string id, string capability, decimal cents) => new()
    {
        ProviderId = id,
        Capability = capability,
        Kind = "simulated",
        Tier = 3,
        Quality = 2,
        CostModel = new CostModel { Kind = CostModelKind.PerInvocation, CentsPerInvocation = cents },
    };
}
