using CostOrchestrator.Grains.Configuration;
using CostOrchestrator.Grains.Hosting;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Cli.Commands;

/// <summary>Starts an embedded node (one Orleans silo, SQLite in a data directory) seeded from a profile.</summary>
internal static class EmbeddedNode
{
    public static async Task<CostOrchestratorNode> StartAsync(string dataDirectory, string? profilePath, bool verbose, CancellationToken cancellationToken)
    {
        var profile = (profilePath ?? NodeProfile.FindDefault()) is { } path ? NodeProfile.Load(path) : null;
        var budgets = profile?.LoadBudgets();
        var options = new NodeOptions
        {
            DataDirectory = Path.GetFullPath(dataDirectory),
            PipelineRunLimits = budgets?.RunLimits() ?? new Dictionary<string, decimal>(),
            TimeZone = budgets?.TimeZone is { } zone ? TimeZoneInfo.FindSystemTimeZoneById(zone) : TimeZoneInfo.Utc,
        };
        return await StartAsync(new NodeBuilder { Options = options, Seed = profile }, verbose, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a node as <paramref name="builder"/> describes it, logging as every command does.</summary>
    public static Task<CostOrchestratorNode> StartAsync(NodeBuilder builder, bool verbose, CancellationToken cancellationToken) =>
        CostOrchestratorNode.StartAsync(builder,
            // Logs go to stderr: stdout is the command's output (a table, or JSON another program parses).
            logging => logging
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Error),
            cancellationToken);
}
