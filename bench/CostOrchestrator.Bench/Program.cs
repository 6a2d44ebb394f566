using System.Globalization;
using CostOrchestrator.Bench;
using CostOrchestrator.Bench.Checks;
using CostOrchestrator.Bench.Governor;
using CostOrchestrator.Bench.Invocation;
using CostOrchestrator.Bench.Pipelines;
using CostOrchestrator.Bench.Report;

// The in-process benchmarks: the governor (reserve + commit) beside pgbench, in-slice decisions, pipelines, one invocation's overhead.
// Every figure ends with a ledger check; any failed check, or any figure that cannot be measured, exits 1.
//   CostOrchestrator.Bench [--postgres CS] [--pgbench PATH] [--seconds N] [--out FILE] [--only governor,slices,pipelines,invocation]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var (options, errors) = BenchOptions.Parse(args);
if (options is null)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine(error);
    }

    return 2;
}

var log = Console.Error;
var checks = new LedgerCheck(log);
var results = new BenchResults { MeasuredAt = TimeProvider.System.GetUtcNow(), Options = options, Checks = checks.Results };
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    if (options.Only.Contains("governor"))
    {
        var pgbench = options.PgBench is { } path
            ? await PgBench.CreateAsync(path, options.Postgres!, Path.Combine(options.DataDirectory, "pgbench"), stop.Token)
            : null;
        results = results with { Governor = await new GovernorBench(options, checks, pgbench, log).RunAsync(stop.Token) };
    }

    if (options.Only.Contains("slices"))
    {
        results = results with { Slices = await new CostOrchestrator.Bench.Slices.SliceDecisionBench(options, checks, log).RunAsync(stop.Token) };
    }

    if (options.Only.Contains("pipelines"))
    {
        results = results with { Pipelines = await new PipelineBench(options, checks, log).RunAsync(stop.Token) };
    }

    if (options.Only.Contains("invocation"))
    {
        results = results with { Invocation = await new InvocationOverheadBench(options, checks, log).RunAsync(stop.Token) };
    }
}
catch (BenchFailureException ex)
{
    results = results with { Failure = ex.Message };
}
catch (OperationCanceledException) when (!stop.IsCancellationRequested)
{
    results = results with { Failure = $"a figure did not finish within its bound ({options.FigureBound.TotalSeconds:0} s)" };
}

var report = MarkdownReport.Write(results);
Console.Write(report);
if (options.Output is not null)
{
    await File.WriteAllTextAsync(options.Output, report);
}

try
{
    Directory.Delete(options.DataDirectory, recursive: true);
}
catch (IOException)
{
    // A file still open by a stopping node; the temporary directory is left for the system to clean.
}

if (results.Failure is not null || !checks.AllPassed)
{
    log.WriteLine($"bench FAILED: {results.Failure ?? string.Join("; ", checks.Results.Where(c => !c.Passed).Select(c => $"{c.Figure}: {c.Failures[0]}"))}");
    return 1;
}

return 0;
