using System.Globalization;
using System.Text;
using CostOrchestrator.Bench.Governor;
using CostOrchestrator.Bench.Load;

namespace CostOrchestrator.Bench.Report;

/// <summary>The markdown bench/run.sh puts into docs/benchmarks.md: one section per measurement, then the checks.</summary>
internal static class MarkdownReport
{
    /// <summary>The governor goal: on PostgreSQL, one hot scope, 64 callers, at least this multiple of pgbench's hot row.</summary>
    public const double GovernorGoal = 10;

    public static string Write(BenchResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var md = new StringBuilder();
        md.Line($"Measured {results.MeasuredAt:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {results.Options.Seconds:0.#} s per figure. "
            + "Every figure ends with the ledger check (last table): a figure that overspends, or whose ledger differs from the governors' totals, fails the run.");
        md.AppendLine();
        if (results.Failure is { } failure)
        {
            md.Line($"**The run stopped early: {failure}**");
            md.AppendLine();
        }

        if (results.Governor is { } governor)
        {
            WriteGovernor(md, governor);
        }

        if (results.Slices is { Count: > 0 } slices)
        {
            md.AppendLine("## In-slice decisions: one silo deciding against its budget slices");
            md.AppendLine();
            md.AppendLine("Through the silo's `BudgetSlices` with its default settings (a slice of at most 100¢ and 50,000 calls, leased through the "
                + "governors and given back as traffic needs), one thread per core. A decision takes a call's worst case (0.001¢) from the chain's "
                + "slice; a commit records its actual cost (0.0005¢) for the next batched ledger write. Goal: ≥ 1,000,000 decisions per second per silo. "
                + "Ledger rows/s: the commits over the time from the first commit until the last row was written (what the store absorbed while "
                + "the silo was committing at full speed).");
            md.AppendLine();
            md.AppendLine("| store | decisions/s (take, release) | calls that found no slice ready | goal | decisions + commits/s | commits | ledger rows/s written | last flush after the figure |");
            md.AppendLine("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
            foreach (var f in slices)
            {
                md.Line($"| {f.Cluster} | {f.DecisionsPerSecond:N0} | {f.Misses:N0} | {(f.DecisionsPerSecond >= 1_000_000 ? "met" : "not met")} | {f.CommitsPerSecond:N0} | {f.Commits:N0} | {f.LedgerRowsPerSecond:N0} | {f.LastFlush.TotalMilliseconds:N0} ms |");
            }

            md.AppendLine();
        }

        if (results.Pipelines is { Count: > 0 } pipelines)
        {
            md.AppendLine("## Pipelines: a 3-step pipeline on zero-latency simulated providers");
            md.AppendLine();
            md.AppendLine("Three capabilities, one simulated provider each at a fixed price (1¢, 2¢, 3¢), no cache; runs submitted through the node's "
                + "pipeline service (admission, then per step: route, reserve, invoke, commit with the journal entry) and awaited to the end. "
                + "Per-step overhead: one caller's wall time per step (its median run over the 3 steps; the mean is pulled around by "
                + "other work on a shared machine) minus the same provider call made on the adapter directly.");
            md.AppendLine();
            md.AppendLine("| cluster | runs/s | callers | run p50, 1 caller | run p99, 1 caller | µs per step (p50 run / 3) | adapter called directly, µs | per-step overhead, µs |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var p in pipelines)
            {
                md.Line($"| {p.Cluster} | {p.Throughput.PerSecond:0.0} | {p.Callers} | {Ms(p.OneCaller.Latency.P50Ms)} | {Ms(p.OneCaller.Latency.P99Ms)} | {p.StepMicros:0} | {p.AdapterMicros:0.0} | {p.OverheadMicros:0} |");
            }

            md.AppendLine();
        }

        if (results.Invocation is { } invocation)
        {
            md.AppendLine("## One invocation, simulated provider with zero latency");
            md.AppendLine();
            md.AppendLine("| one invocation, one caller | µs per call | ratio |");
            md.AppendLine("| --- | ---: | ---: |");
            md.Line($"| adapter called directly (baseline) | {invocation.DirectMicros:0.0} | 1.00 |");
            md.Line($"| through the executor: route, reserve, invoke, commit (SQLite, cache off) | {invocation.EnforcedMicros:0.0} | {invocation.EnforcedMicros / invocation.DirectMicros:0.0} |");
            md.Line($"| enforcement overhead per invocation | {invocation.OverheadMicros:0.0} | |");
            md.AppendLine();
        }

        md.AppendLine("## Ledger checks (after every figure)");
        md.AppendLine();
        md.AppendLine("For each limited scope a figure used: the governor's spent (its budget, from the store) equals the ledger's actual cost charged "
            + "to that scope, nothing is left reserved, and spent ≤ limit; for the over-demanded and pipeline figures also spent = what the granted calls cost. "
            + "Sums are over the figure's scopes.");
        md.AppendLine();
        md.AppendLine("| figure | limited scopes | ledger entries | governors' spent ¢ | ledger ¢ | reserved ¢ | highest spent / limit | result |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var c in results.Checks)
        {
            md.Line($"| {c.Figure} | {c.Scopes:N0} | {c.LedgerEntries:N0} | {c.SpentCents:0.##} | {c.LedgerCents:0.##} | {c.ReservedCents:0.##} | {c.HighestUse:P2} | "
                + (c.Passed ? "ok" : "**FAILED**: " + string.Join("; ", c.Failures.Take(3)).Replace("|", "/", StringComparison.Ordinal)) + " |");
        }

        return md.ToString();
    }

    private static void WriteGovernor(StringBuilder md, GovernorResults governor)
    {
        md.AppendLine("## Governor: reserve + commit, durable acknowledgement");
        md.AppendLine();
        md.Append("Each call reserves 0.25¢ on a limited scope (chain of one) and commits 0.2¢ through the reservation coordinator; each is answered "
            + "only after the store's write is durable (SQLite: synchronous=FULL; PostgreSQL: the server below). "
            + "One hot scope: every caller on the same scope. 1,000 scopes: each caller walks all 1,000 from its own starting point. "
            + "Latency is one reserve + commit (two durable writes). "
            + "pgbench (same server, same run, right after ours): `UPDATE hot SET spent = spent + 1 WHERE id = 1 AND spent + 1 <= lim` "
            + "(1,000 rows: a random id), one autocommit transaction per call, `-M prepared`, `-j 2`.");
        md.AppendLine(governor.PostgresSettings is { } settings ? $" PostgreSQL: {settings}." : string.Empty);

        md.AppendLine();
        md.AppendLine("| scopes | callers | embedded ops/s | p50 | p99 | PostgreSQL ops/s | p50 | p99 | pgbench tps | p50 | p99 | PostgreSQL / pgbench |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in governor.Rows)
        {
            var pg = r.Postgres?.Load;
            var bench = r.PgBench;
            md.Line($"| {r.Scopes} | {r.Callers} | {r.Embedded.Load.PerSecond:0} | {Ms(r.Embedded.Load.Latency.P50Ms)} | {Ms(r.Embedded.Load.Latency.P99Ms)} | "
                + $"{Num(pg?.PerSecond)} | {Ms(pg?.Latency.P50Ms)} | {Ms(pg?.Latency.P99Ms)} | "
                + $"{Num(bench?.Tps)} | {Ms(bench?.Latency.P50Ms)} | {Ms(bench?.Latency.P99Ms)} | {Ratio(pg?.PerSecond, bench?.Tps)} |");
        }

        md.AppendLine();
        var goal = governor.Rows.FirstOrDefault(r => r.Scopes == ScopeSet.Hot.Label && r.Callers == 64);
        if (goal is { Postgres: { } ours, PgBench: { } theirs })
        {
            var ratio = ours.Load.PerSecond / theirs.Tps;
            md.Line($"Goal, PostgreSQL, one hot scope, 64 callers, durable: ≥ {GovernorGoal:0}× pgbench's hot-row TPS. "
                + $"Measured {ours.Load.PerSecond:0} / {theirs.Tps:0} = {ratio:0.00}×: **{(ratio >= GovernorGoal ? "met" : "not met")}**.");
            md.AppendLine();
        }

        if (governor.Cluster.Count > 0)
        {
            md.AppendLine("| PostgreSQL, 3 silos (callers spread round robin over the silos) | callers | ops/s | p50 | p99 | ratio to 1 silo |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var f in governor.Cluster)
            {
                var one = governor.Rows.FirstOrDefault(r => r.Scopes == f.Scopes && r.Callers == f.Callers)?.Postgres?.Load.PerSecond;
                md.Line($"| {f.Scopes} | {f.Callers} | {f.Load.PerSecond:0} | {Ms(f.Load.Latency.P50Ms)} | {Ms(f.Load.Latency.P99Ms)} | {Ratio(f.Load.PerSecond, one)} |");
            }

            md.AppendLine();
        }


        if (governor.Overdemand.Count > 0)
        {
            md.AppendLine("Over-demanded: every caller reserves 1.25¢ and commits 1¢ on one scope limited to 500¢ until it is refused. "
                + "What was granted must fit the limit, and the scope's spent must equal granted × 1¢.");
            md.AppendLine();
            md.AppendLine("| cluster | callers | limit ¢ | granted | refused | granted × 1¢ | governor's spent ¢ | ledger ¢ | spent ≤ limit | took |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
            foreach (var o in governor.Overdemand)
            {
                md.Line($"| {o.Cluster} | {o.Callers} | {o.LimitCents:0} | {o.Granted} | {o.Denied} | {o.Granted * o.ActualCents:0.##} | {o.Check.SpentCents:0.##} | "
                    + $"{o.Check.LedgerCents:0.##} | {(o.Check.SpentCents <= o.LimitCents ? "yes" : "**NO**")} | {o.Elapsed.TotalSeconds:0.0} s |");
            }

            md.AppendLine();
        }
    }

    private static string Ms(double? ms) => ms is { } v && !double.IsNaN(v)
        ? v < 1 ? string.Create(CultureInfo.InvariantCulture, $"{v * 1000:0}µs") : string.Create(CultureInfo.InvariantCulture, $"{v:0.00}ms")
        : "—";

    private static string Num(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "—";

    private static string Ratio(double? ours, double? theirs) => ours is { } a && theirs is { } b && b > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{a / b:0.00}×")
        : "—";

    // Program sets the invariant culture for the whole process, so interpolations here format numbers one way.
    private static void Line(this StringBuilder md, string line) => md.AppendLine(line);
}
