using System.Diagnostics;
using System.Text.Json;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Bench.Checks;
using CostOrchestrator.Bench.Hosting;
using CostOrchestrator.Grains.Invocation;
using CostOrchestrator.Providers;
using CostOrchestrator.Providers.Simulated;
using Microsoft.Extensions.DependencyInjection;

namespace CostOrchestrator.Bench.Invocation;

/// <summary>
/// What budget enforcement adds to one invocation, one caller, embedded: a per-token simulated provider with zero
/// latency called directly, then through the executor (route, reserve, invoke, commit; no cache), limited on global.
/// </summary>
internal sealed class InvocationOverheadBench(BenchOptions options, LedgerCheck checks, TextWriter log)
{
    public async Task<InvocationOverheadFigure> RunAsync(CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.FigureBound);
        var ct = bound.Token;
        const string Name = "one invocation, SQLite, 1 silo, 1 caller";
        await using var cluster = await BenchCluster.StartAsync(BenchBackend.Sqlite, 1, options, ct);
        var provider = new ProviderRecord
        {
            ProviderId = "bench-llm",
            Capability = "llm-chat",
            Kind = "simulated",
            Tier = 3,
            CostModel = new CostModel { Kind = CostModelKind.PerToken, InputCentsPerMillionTokens = 15m, OutputCentsPerMillionTokens = 60m },
        };
        await cluster.First.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey).UpsertProviderAsync(provider, ct);
        await cluster.LimitAsync("global", 1_000_000_000m, ct);
        var adapter = new SimulatedProviderAdapter();
        var executor = cluster.First.Services.GetRequiredService<InvocationExecutor>();
        var inputs = JsonSerializer.SerializeToElement(new { prompt = "How much does this cost?", max_tokens = 64 });

        var direct = await PerCallMicrosAsync(options.Seconds / 2, async i =>
        {
            var outcome = await adapter.InvokeAsync(new ProviderCall { Provider = provider, Inputs = inputs, InvocationId = $"d{i}", ArtifactDirectory = options.DataDirectory }, ct);
            return outcome.Succeeded;
        });
        var enforced = await PerCallMicrosAsync(options.Seconds / 2, async i =>
        {
            var outcome = await executor.InvokeAsync(new InvocationContext { Capability = "llm-chat", Inputs = inputs, UseCache = false, IdempotencyPrefix = $"bench/{i}" }, ct);
            return outcome.Succeeded;
        });
        log.WriteLine($"{Name}: direct {direct:0.0} µs, through the executor {enforced:0.0} µs");
        var check = await checks.VerifyAsync(Name, cluster.First, ["global"], expectedSpent: null, ct);
        return new InvocationOverheadFigure(direct, enforced, check);
    }

    private static async Task<double> PerCallMicrosAsync(double seconds, Func<int, Task<bool>> call)
    {
        for (var i = 0; i < 50; i++)
        {
            await CallAsync(-i - 1);
        }

        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await CallAsync(n++);
        }

        return clock.Elapsed.TotalMicroseconds / n;

        async Task CallAsync(int i)
        {
            if (!await call(i))
            {
                throw new BenchFailureException("one invocation: a call failed");
            }
        }
    }
}
