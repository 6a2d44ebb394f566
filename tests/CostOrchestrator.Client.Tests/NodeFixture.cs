using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Tests.Common;
using Microsoft.AspNetCore.Builder;

namespace CostOrchestrator.Client.Tests;

/// <summary>
/// A real node in this process on a real socket (127.0.0.1, a free port), with the sample profile seeded into a
/// fresh SQLite store, and an admin client for it. One per test class.
/// </summary>
public sealed class NodeFixture : IAsyncLifetime
{
    /// <summary>The node's admin token (the server wants 16 characters or more).</summary>
    public const string AdminToken = "client-tests-admin-token-5f2c9a";

    private readonly TempDirectory _data = new();
    private WebApplication? _app;
    private CostOrchestratorClient? _admin;

    /// <summary>Where the node listens.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>A client holding the admin token.</summary>
    public CostOrchestratorClient Admin => _admin ?? throw new InvalidOperationException("The node is not started.");

    /// <summary>A new client for the node with another credential (or none); the caller disposes it.</summary>
    public CostOrchestratorClient Connect(string? token) => new(Address, token);

    public async ValueTask InitializeAsync()
    {
        // Read inside Create; every fixture sets the same value, so parallel test classes do not disturb each other.
        Environment.SetEnvironmentVariable("COSTORCH_ADMIN_TOKEN", AdminToken);
        _app = CostOrchestratorServer.Create(["--urls", "http://127.0.0.1:0", "--data-dir", _data.Path, "--config", RepositoryPaths.SampleProfile])
            ?? throw new InvalidOperationException("The node refused its options (see the test output).");
        await _app.StartAsync(TestContext.Current.CancellationToken);
        Address = new Uri(_app.Urls.Single());
        _admin = new CostOrchestratorClient(Address, AdminToken);
    }

    public async ValueTask DisposeAsync()
    {
        _admin?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        _data.Dispose();
    }
}
