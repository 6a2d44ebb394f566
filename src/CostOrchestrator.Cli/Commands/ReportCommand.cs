using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CostOrchestrator.Abstractions.Reports;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Cli.Output;

namespace CostOrchestrator.Cli.Commands;

/// <summary>
/// <c>costorch report [--group-by capability|provider|scope|pipeline] [--bucket hour|day] [--from T] [--to T] [--json|--csv]</c>:
/// a node's spend report (<c>GET /v1/reports/spend</c>) as a table.
/// </summary>
internal static class ReportCommand
{
    private static readonly Dictionary<string, SpendGrouping> _groupings = new(StringComparer.Ordinal)
    {
        ["capability"] = SpendGrouping.Capability,
        ["provider"] = SpendGrouping.Provider,
        ["scope"] = SpendGrouping.Scope,
        ["pipeline"] = SpendGrouping.Pipeline,
    };

    public static Command Create()
    {
        var groupBy = new Option<string>("--group-by")
        {
            Description = "What a row sums: capability, provider (with estimated vs actual), scope, or pipeline (with runs by outcome and the cost per successful run).",
            DefaultValueFactory = _ => "capability",
        };
        groupBy.AcceptOnlyFromAmong([.. _groupings.Keys]);
        var bucket = new Option<string>("--bucket") { Description = "A row per hour or per day, in the node's budget time zone.", DefaultValueFactory = _ => "hour" };
        bucket.AcceptOnlyFromAmong("hour", "day");
        var from = Time("--from", "Start of the range, ISO 8601, UTC unless it has an offset. Default: 24 hours (hourly) or 30 days (daily) before --to.");
        var to = Time("--to", "End of the range (exclusive). Default: now.");
        var json = new Option<bool>("--json") { Description = "Print the rows as JSON." };
        var csv = new Option<bool>("--csv") { Description = "Print the node's CSV." };
        var node = NodeConnection.Node();
        var token = NodeConnection.Token();
        var command = new Command("report", "Spend per capability, provider, scope or pipeline and per hour or day, from a node's ledger.") { groupBy, bucket, from, to, json, csv, node, token };
        command.Validators.Add(result =>
        {
            if (result.GetValue(json) && result.GetValue(csv))
            {
                result.AddError("--json and --csv: choose one");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            var grouping = _groupings[parse.GetValue(groupBy)!];
            var buckets = parse.GetValue(bucket) == "day" ? SpendBucket.Day : SpendBucket.Hour;
            return await NodeConnection.CallAsync(parse.GetValue(node)!, parse.GetValue(token), async client =>
            {
                bool truncated;
                if (parse.GetValue(csv))
                {
                    var report = await client.GetSpendReportCsvAsync(grouping, buckets, parse.GetValue(from), parse.GetValue(to), ct).ConfigureAwait(false);
                    Console.Write(report.Csv);
                    truncated = report.Truncated;
                }
                else
                {
                    var report = await client.GetSpendReportAsync(grouping, buckets, parse.GetValue(from), parse.GetValue(to), ct).ConfigureAwait(false);
                    Console.Write(parse.GetValue(json)
                        ? JsonSerializer.Serialize(report.Rows, CostOrchestratorJson.Indented) + Environment.NewLine
                        : SpendReportTable.Render(report.Rows, grouping, buckets));
                    truncated = report.Truncated;
                }

                if (truncated)
                {
                    await Console.Error.WriteLineAsync("the range holds more than a report sums: its oldest part is missing; narrow --from and --to").ConfigureAwait(false);
                }

                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    // Read here, not by the node, so a typo is bad input (exit 2) before anything is sent.
    private static Option<DateTimeOffset?> Time(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not an ISO 8601 date-time, e.g. 2026-11-21T00:00:00Z");
            return null;
        },
    };
}
