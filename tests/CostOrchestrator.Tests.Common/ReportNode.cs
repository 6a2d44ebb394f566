namespace CostOrchestrator.Tests.Common;

/// <summary>A running node on which <see cref="SpendWorkload"/> has run, and the range that holds it.</summary>
public abstract class ReportNode(RunningNode node) : IAsyncLifetime
{
    public RunningNode Node => node;

    public DateTimeOffset From { get; private set; }

    public DateTimeOffset To { get; private set; }

    public async ValueTask InitializeAsync()
    {
        await node.InitializeAsync();
        (From, To) = await SpendWorkload.RunAsync(node);
    }

    public async ValueTask DisposeAsync()
    {
        await node.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteReportNode() : ReportNode(new RunningNode());

public sealed class PostgresReportNode() : ReportNode(new RunningPostgresNode());
