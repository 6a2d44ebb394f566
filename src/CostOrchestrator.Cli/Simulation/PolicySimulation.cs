using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Cli.Commands;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Grains.Configuration;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>
/// Runs a workload's arrival plan under one policy on a throwaway embedded node: its own temporary data directory
/// (deleted after), the workload's budgets, the registry's providers all simulated, and a simulated clock. The clock
/// moves to each arrival and the run is executed to its end (or parked) before the next, so nothing races and the
/// same plan always gives the same records.
/// </summary>
internal static class PolicySimulation
{
    public static async Task<PolicyRun> RunAsync(Workload workload, ArrivalPlan plan, SimulationPolicy policy, bool verbose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(plan);
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"costorch-simulate-{policy.Name()}-{Guid.NewGuid():N}");
        try
        {
            var clock = new ManualTimeProvider(plan.Midnights[0]);
            var builder = new NodeBuilder
            {
                Options = new NodeOptions
                {
                    NodeId = "simulate-" + policy.Name(),
                    DataDirectory = dataDirectory,
                    TimeZone = workload.TimeZone,
                    PipelineRunLimits = PolicyRouting.RunLimits(policy, workload.Budgets?.RunLimits() ?? new Dictionary<string, decimal>()),
                    // Settling and health checks on timers would act at wall-clock moments, which a replay cannot repeat.
                    RunBackgroundLoops = false,
                },
                Time = clock,
                Adapters = [new SimulationAdapter()],
                Seed = workload.BudgetsPath is { } budgets ? new NodeProfile { Budgets = budgets } : null,
            };
            await using var node = await EmbeddedNode.StartAsync(builder, verbose, cancellationToken).ConfigureAwait(false);
            var registry = node.Grains.GetGrain<ICapabilityRegistryGrain>(ICapabilityRegistryGrain.DefaultKey);
            foreach (var provider in PolicyRouting.Providers(policy, SimulatedRegistry.Of(workload.Registry)))
            {
                await registry.UpsertProviderAsync(provider, cancellationToken).ConfigureAwait(false);
            }

            var pipelines = workload.Work.Select(w => PolicyRouting.Pipeline(policy, w.Pipeline)).ToList();
            var boundaries = WindowKinds(workload);
            var runs = new List<(int WorkIndex, RunRecord Record)>();
            for (var day = 0; day < plan.Days.Count; day++)
            {
                clock.AdvanceTo(plan.Midnights[day]);
                if (day > 0 && boundaries.Any(kind => BudgetWindows.StartOf(kind, plan.Midnights[day], workload.TimeZone) == plan.Midnights[day]))
                {
                    await ResumeQueuedAsync(node.Grains, runs, cancellationToken).ConfigureAwait(false);
                }

                foreach (var arrival in plan.Days[day])
                {
                    clock.AdvanceTo(arrival.At);
                    var submitted = await node.Pipelines.RunAsync(pipelines[arrival.WorkIndex], arrival.Input, cancellationToken).ConfigureAwait(false);
                    // The workload's inputs were checked against their pipelines before any node started.
                    var record = submitted.Run ?? throw new InvalidOperationException(
                        $"work[{arrival.WorkIndex}] was refused at submission: {string.Join("; ", submitted.Errors)}");
                    runs.Add((arrival.WorkIndex, record));
                }
            }

            // The period ends at the last midnight: runs still parked then are reported as queued, not resumed.
            clock.AdvanceTo(plan.Midnights[^1]);
            var ledger = await node.Store.GetLedgerAsync(new LedgerQuery { Limit = int.MaxValue }, cancellationToken).ConfigureAwait(false);
            return new PolicyRun { Policy = policy, Runs = [.. runs.Select(r => new SimulatedRun(r.WorkIndex, r.Record))], Ledger = ledger };
        }
        finally
        {
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort, like any temporary directory: a file still held open is left for the OS to clean.
            }
        }
    }

    /// <summary>
    /// At a window boundary, what the governor's window reminder does on a live node: resume the runs parked by
    /// <c>fallback: queue</c> (each checks its budgets again and parks again if there is still no room). Here they
    /// are resumed one at a time, oldest first, each to its end before the next; the reminder resumes them all at
    /// once, and which of them got the new head-room would then depend on thread timing. Nothing else needs doing
    /// at the boundary: spend is kept per window start, so the clock alone starts every new window at zero.
    /// </summary>
    private static async Task ResumeQueuedAsync(IGrainFactory grains, List<(int WorkIndex, RunRecord Record)> runs, CancellationToken cancellationToken)
    {
        for (var i = 0; i < runs.Count; i++)
        {
            if (runs[i].Record.Status != RunStatus.Queued)
            {
                continue;
            }

            var grain = grains.GetGrain<IPipelineRunGrain>(runs[i].Record.RunId);
            await grain.ResumeAsync(cancellationToken).ConfigureAwait(false);
            var resumed = await grain.WaitAsync(cancellationToken).ConfigureAwait(false);
            runs[i] = (runs[i].WorkIndex, resumed ?? runs[i].Record);
        }
    }

    // The calendar windows of the budgets: a day on which none of them starts wakes nothing, as on a live node.
    private static List<WindowKind> WindowKinds(Workload workload) =>
        [.. (workload.Budgets?.Policies() ?? []).SelectMany(p => p.Windows).Select(w => w.Window).Where(k => k != WindowKind.Total).Distinct()];
}
