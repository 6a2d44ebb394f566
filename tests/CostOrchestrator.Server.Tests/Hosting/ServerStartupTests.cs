using System.Net;
using System.Net.Sockets;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests.Hosting;

/// <summary>How a node answers a wrong command line: every problem at once, exit code 2, no stack trace.</summary>
public sealed class ServerStartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnknownFlagsAndBadValues_AreAllReportedAtOnce_AndExit2()
    {
        using var errors = new StringWriter();

        var exit = await CostOrchestratorServer.RunAsync(["--bogus", "1", "--storage", "mysql", "--silo-port", "eighty", "stray"], errors, Ct);

        Assert.Equal(2, exit);
        var text = errors.ToString();
        Assert.Contains("--bogus: unknown flag", text, StringComparison.Ordinal);
        Assert.Contains("'stray': not a flag", text, StringComparison.Ordinal);
        Assert.Contains("--storage: 'mysql' is not sqlite or postgres", text, StringComparison.Ordinal);
        Assert.Contains("--silo-port: 'eighty' is not a port", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHttpPortAlreadyInUse_IsNamed_AndExit2()
    {
        using var dir = new TempDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var errors = new StringWriter();

        var exit = await CostOrchestratorServer.RunAsync(["--urls", $"http://127.0.0.1:{port}", "--data-dir", dir.Path], errors, Ct);

        Assert.Equal(2, exit);
        Assert.Contains($"127.0.0.1:{port}", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("--urls", errors.ToString(), StringComparison.Ordinal);
    }
}
