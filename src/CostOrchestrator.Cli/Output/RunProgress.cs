using System.Globalization;
using CostOrchestrator.Abstractions.Pipelines;
using Spectre.Console;

namespace CostOrchestrator.Cli.Output;

/// <summary>How a command shows a run while it executes.</summary>
internal enum ProgressMode
{
    /// <summary>Nothing until the end (<c>--json</c>: stdout is for a program).</summary>
    None,

    /// <summary>A line on stderr as each step starts and ends (stdout is not a terminal: kept clean for the table).</summary>
    Lines,

    /// <summary>A live table redrawn in place (a terminal).</summary>
    Live,
}

/// <summary>
/// Follows a run through <see cref="IPipelineRunGrain.WatchAsync"/> (the same on an embedded node and over HTTP) and
/// shows each step as it starts and ends, until the run is no longer running. Returns the run's last record.
/// </summary>
internal static class RunProgress
{
    /// <summary>Live on a terminal, lines when stdout is redirected, nothing for <c>--json</c>.</summary>
    public static ProgressMode ModeFor(bool json) => json ? ProgressMode.None : Console.IsOutputRedirected ? ProgressMode.Lines : ProgressMode.Live;

    public static Task<RunRecord?> FollowAsync(IPipelineRunGrain run, ProgressMode mode, CancellationToken cancellationToken) =>
        FollowAsync(run, mode, AnsiConsole.Console, Console.Error, cancellationToken);

    public static async Task<RunRecord?> FollowAsync(IPipelineRunGrain run, ProgressMode mode, IAnsiConsole console, TextWriter lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        switch (mode)
        {
            case ProgressMode.None:
                return await run.WaitAsync(cancellationToken).ConfigureAwait(false);
            case ProgressMode.Lines:
                RunRecord? shown = null;
                return await WatchAsync(run, async record =>
                {
                    foreach (var line in Changes(shown, record))
                    {
                        await lines.WriteLineAsync(line).ConfigureAwait(false);
                    }

                    shown = record;
                }, cancellationToken).ConfigureAwait(false);
            default:
                RunRecord? last = null;
                // Cleared when done: the command prints the final table (the same for every mode) after.
                await console.Live(new Text("starting...")).AutoClear(true).StartAsync(async live =>
                {
                    last = await WatchAsync(run, record =>
                    {
                        live.UpdateTarget(Table(record));
                        return Task.CompletedTask;
                    }, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
                return last;
        }
    }

    /// <summary>What changed between two records of a run, as lines: a step started, a step ended and how.</summary>
    public static IEnumerable<string> Changes(RunRecord? before, RunRecord after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (before is null)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"run {after.RunId} of {after.PipelineId}: {after.Steps.Count} step(s)");
        }

        for (var i = 0; i < after.Steps.Count; i++)
        {
            var was = before?.Steps[i].Status ?? StepStatus.Pending;
            var step = after.Steps[i];
            if (was == StepStatus.Pending && step.Status is not (StepStatus.Pending or StepStatus.Skipped))
            {
                // A fast step can start and end between two watches: it is still shown starting, then ending.
                yield return $"step {step.Name} started ({step.Capability})";
            }

            if (was is StepStatus.Pending or StepStatus.Running && step.Status is not (StepStatus.Pending or StepStatus.Running))
            {
                yield return Ended(step);
            }
        }

        if (before?.Status != after.Status && after.Status is RunStatus.Queued)
        {
            yield return $"run queued: {after.QueuedReason}";
        }
    }

    /// <summary>The live table: every step with its status, provider, cost and cache, and the run's total so far.</summary>
    public static Table Table(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var table = new Table().Title(Markup.Escape($"run {run.RunId}  {run.PipelineId}  {RunTable.Name(run.Status)}"))
            .AddColumn("step").AddColumn("status").AddColumn("provider").AddColumn(new TableColumn("cost¢").RightAligned()).AddColumn("cache");
        foreach (var step in run.Steps)
        {
            table.AddRow(
                Markup.Escape(step.Name),
                step.Status switch
                {
                    StepStatus.Running => "[yellow]running[/]",
                    StepStatus.Succeeded => "[green]succeeded[/]",
                    StepStatus.Failed => "[red]failed[/]",
                    _ => RunTable.Name(step.Status),
                },
                Markup.Escape(step.ProviderId ?? "-"),
                step.Status == StepStatus.Pending ? "-" : RunTable.Cents(step.ActualCents),
                step.Invocations.Count == 0 ? "-" : step.CacheHit ? "hit" : "miss");
        }

        return table.Caption(Markup.Escape($"total {RunTable.Cents(run.TotalCostCents)}¢ of {RunTable.Cents(run.EstimatedCostCents)}¢ reserved at worst"));
    }

    private static async Task<RunRecord?> WatchAsync(IPipelineRunGrain run, Func<RunRecord, Task> show, CancellationToken cancellationToken)
    {
        var update = await run.WatchAsync(-1, cancellationToken).ConfigureAwait(false);
        while (update.Record is { } record)
        {
            await show(record).ConfigureAwait(false);
            if (record.Status is not (RunStatus.Pending or RunStatus.Running))
            {
                return record;
            }

            // Unchanged after the node's patience ran out: ask again without showing the same record twice.
            var revision = update.Revision;
            do
            {
                update = await run.WatchAsync(revision, cancellationToken).ConfigureAwait(false);
            }
            while (update.Revision == revision && update.Record is { Status: RunStatus.Pending or RunStatus.Running });
        }

        return null;
    }

    private static string Ended(StepRecord step)
    {
        var how = step.Status == StepStatus.Succeeded
            ? string.Create(CultureInfo.InvariantCulture, $"{step.ProviderId ?? "-"}, {RunTable.Cents(step.ActualCents)}¢, {(step.CacheHit ? "cache hit" : "cache miss")}, {step.LatencyMs:0} ms")
            : step.Error?.Message ?? RunTable.Name(step.Status);
        return $"step {step.Name} {RunTable.Name(step.Status)}: {how}";
    }
}
