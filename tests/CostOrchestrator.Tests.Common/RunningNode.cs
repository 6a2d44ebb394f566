using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Server.Hosting;

namespace CostOrchestrator.Tests.Common;

/// <summary>A real node on a real socket (127.0.0.1, a free port) with the sample profile and the admin token set.</summary>
public class RunningNode : IAsyncLifetime
{
    public const string AdminToken = "test-admin-token-0123456789";

    private readonly TempDirectory _dir = new();
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public Storage.ICostOrchestratorStore Store => _app!.Services.GetRequiredService<Storage.ICostOrchestratorStore>();

    public IServiceProvider Services => _app!.Services;

    public Orleans.IGrainFactory Grains => _app!.Services.GetRequiredService<Orleans.IGrainFactory>();

    /// <summary>
    /// Writes the ledger rows of gateway calls decided in this node's budget slices now, rather than at the slices' next
    /// batch (within ~100 ms): a test reading the store right after a call waits for them this way, not by sleeping.
    /// </summary>
    public Task FlushSlicesAsync() =>
        _app!.Services.GetRequiredService<Grains.Budget.BudgetSlices>().FlushAsync(TestContext.Current.CancellationToken);

    /// <summary>"sqlite" or "postgres".</summary>
    public virtual string Backend => "sqlite";

    /// <summary>Extra command-line arguments (the store to use).</summary>
    protected virtual Task<string[]> StoreArgumentsAsync() => Task.FromResult<string[]>([]);

    public async ValueTask InitializeAsync()
    {
        Environment.SetEnvironmentVariable("COSTORCH_ADMIN_TOKEN", AdminToken);
        _app = CostOrchestratorServer.Create(["--urls", "http://127.0.0.1:0", "--data-dir", _dir.Path, "--config", RepositoryPaths.SampleProfile, .. await StoreArgumentsAsync()])!;
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
    }

    public HttpClient Client(string? token = AdminToken)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task<string> CreateKeyAsync(params string[] scopes)
    {
        using var admin = Client();
        var response = await admin.PostAsJsonAsync("/v1/keys", new { name = "test", scopes }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("secret").GetString()!;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(CostOrchestratorJson.Options, TestContext.Current.CancellationToken);

    public virtual async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _dir.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same node on PostgreSQL, in a schema of its own (dropped afterwards).</summary>
public sealed class RunningPostgresNode : RunningNode
{
    private readonly string _schema = ClusterSchema.NewName().Replace("cluster_", "node_", StringComparison.Ordinal);
    private string? _connectionString;

    public override string Backend => "postgres";

    protected override async Task<string[]> StoreArgumentsAsync()
    {
        _connectionString = await PostgreSqlServer.RequireAsync();
        return ["--storage", "postgres", "--postgres", Storage.PostgreSql.PostgreSqlStore.ConnectionStringFor(_connectionString, _schema)];
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_connectionString is not null)
        {
            await ClusterSchema.DropAsync(_connectionString, _schema);
        }
    }
}
