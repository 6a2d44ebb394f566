using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Server.Hosting;
using CostOrchestrator.Tests.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CostOrchestrator.Dashboard.Tests;

/// <summary>A real node on 127.0.0.1 (a free port) with the sample profile and the admin token, for the dashboard.</summary>
public sealed class DashboardNode : IAsyncLifetime
{
    public const string AdminToken = "dashboard-admin-token-0123456789";

    private readonly TempDirectory _dir = new();
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public Uri DashboardUrl => new(BaseAddress, "/dashboard");

    public Storage.ICostOrchestratorStore Store => _app!.Services.GetRequiredService<Storage.ICostOrchestratorStore>();

    public Orleans.IGrainFactory Grains => _app!.Services.GetRequiredService<Orleans.IGrainFactory>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Environment.SetEnvironmentVariable("COSTORCH_ADMIN_TOKEN", AdminToken);
        _app = CostOrchestratorServer.Create(["--urls", "http://127.0.0.1:0", "--data-dir", _dir.Path, "--config", RepositoryPaths.SampleProfile])!;
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

    public async Task<JsonElement> GetAsync(string path, string? token = AdminToken)
    {
        using var client = Client(token);
        var response = await client.GetAsync(path, Ct);
        response.EnsureSuccessStatusCode();
        return await JsonAsync(response);
    }

    /// <summary>Runs an inline pipeline to the end through POST /v1/runs and returns the full run record.</summary>
    public async Task<JsonElement> RunAsync(object pipeline, object? input = null)
    {
        using var client = Client();
        var response = await client.PostAsJsonAsync("/v1/runs", new { pipeline, input, wait = true }, Ct);
        response.EnsureSuccessStatusCode();
        return await JsonAsync(response);
    }

    /// <summary>A one-step pipeline on <paramref name="capability"/>, with inputs that differ per call so the cache does not answer.</summary>
    public Task<JsonElement> RunOneStepAsync(string capability, string team = "dashboard") =>
        RunAsync(new
        {
            id = $"one-step-{capability}",
            scopes = new { team },
            steps = new[] { new { name = "only", invoke = new { capability, inputs = new { nonce = Guid.NewGuid().ToString("N") } } } },
        });

    /// <summary>Registers a simulated, paid provider through the admin API.</summary>
    public async Task PutProviderAsync(string id, string capability, decimal centsPerInvocation)
    {
        using var client = Client();
        var response = await client.PutAsJsonAsync($"/v1/providers/{id}", new
        {
            provider_id = id,
            capability,
            kind = "simulated",
            tier = 3,
            cost_model = new { kind = "per-invocation", cents_per_invocation = centsPerInvocation },
            settings = new { latency_ms = 5 },
        }, Ct);
        response.EnsureSuccessStatusCode();
    }

    public async Task<string> CreateKeyAsync(params string[] scopes)
    {
        using var admin = Client();
        var response = await admin.PostAsJsonAsync("/v1/keys", new { name = "dashboard-test", scopes }, Ct);
        response.EnsureSuccessStatusCode();
        return (await JsonAsync(response)).GetProperty("secret").GetString()!;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(CostOrchestratorJson.Options, Ct);

    /// <summary>Cents as the API writes them and the dashboard shows them: up to six decimals, trailing zeros trimmed.</summary>
    public static string Cents(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    public static string Cents(JsonElement value) => Cents(value.GetDecimal());

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _dir.Dispose();
    }
}
