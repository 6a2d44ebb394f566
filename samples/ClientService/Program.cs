using System.Globalization;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Client.Hosting;
using CostOrchestrator.Core.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;

// A .NET service inside the cluster's network, using CostOrchestrator through the Orleans client: it runs a pipeline
// on the cluster, and it guards a paid call of its own with the cluster's budget governors (reserve the worst case,
// call, commit the actual cost). Services outside the network use CostOrchestratorClient over HTTP the same way.
var postgres = Environment.GetEnvironmentVariable("COSTORCH_POSTGRES");
if (string.IsNullOrEmpty(postgres))
{
    Console.Error.WriteLine("Set COSTORCH_POSTGRES to the cluster's PostgreSQL (samples/cluster/run-3-nodes.sh prints it).");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var ct = cancel.Token;
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddCostOrchestratorClient(new CostOrchestratorClusterOptions
{
    PostgresConnectionString = postgres,
    ClusterId = Environment.GetEnvironmentVariable("COSTORCH_CLUSTER_ID") ?? "costorch",
    ServiceId = Environment.GetEnvironmentVariable("COSTORCH_SERVICE_ID") ?? "costorch",
});
using var host = builder.Build();
await host.StartAsync(ct);
var grains = host.Services.GetRequiredService<IGrainFactory>();

// 1. Run the sample pipeline on the cluster (submitted as JSON, parsed and validated here) and wait for it.
var pipeline = PipelineParser.Parse(File.ReadAllText(SampleFile("pipelines", "render-social-clip.json"))).Pipeline
    ?? throw new InvalidOperationException("samples/pipelines/render-social-clip.json does not parse");
var input = JsonDocument.Parse(File.ReadAllText(SampleFile("inputs", "render-social-clip.json"))).RootElement;
var runId = "run_" + Guid.CreateVersion7().ToString("N")[..24];
var runGrain = grains.GetGrain<IPipelineRunGrain>(runId);
await runGrain.StartAsync(new RunSubmission { Pipeline = pipeline, Input = input }, ct);
Console.WriteLine($"submitted {runId} to the cluster");
var run = (await runGrain.WaitAsync(ct))!;
Console.WriteLine($"run {run.RunId}: {run.Status}");
foreach (var step in run.Steps)
{
    Console.WriteLine($"  {step.Name,-10} {step.ProviderId ?? "-",-18} estimated {Cents(step.EstimatedCents),10}¢  actual {Cents(step.ActualCents),10}¢  {step.Status}");
}

Console.WriteLine($"  total {Cents(run.TotalCostCents)}¢{(run.Error is { } error ? $"  ({error.Code}: {error.Message})" : string.Empty)}");

// 2. Our own provider call, budgeted like the node's: reserve the worst case on the whole chain, all or nothing.
string[] chain = ["global", "team:media", "user:demo"];
const decimal worstCaseCents = 0.5m;
var governor = grains.GetGrain<IBudgetGovernorGrain>("team:media");
var reservations = grains.GetGrain<IReservationCoordinatorGrain>(IReservationCoordinatorGrain.LocalKey);
var outcome = await reservations.ReserveAsync(new ReservationRequest
{
    Chain = chain,
    AmountCents = worstCaseCents,
    IdempotencyKey = $"client-service/{Guid.NewGuid():N}", // a retried reserve returns this same reservation
    Attribution = new ChargeAttribution { ProviderId = "client-service-summariser", Capability = "summarise" },
}, ct);
if (outcome.Denial is { } denial)
{
    // An expected outcome, not an error: skip the paid call.
    Console.WriteLine($"not calling our provider: {denial.Message}");
    return 1;
}

var reservation = outcome.Reservation!;
Console.WriteLine($"reserved {Cents(reservation.AmountCents)}¢ on {string.Join(" > ", chain)} ({reservation.ReservationId})");
decimal actualCents;
try
{
    actualCents = CallOwnProvider(input.GetProperty("script").GetString() ?? string.Empty, worstCaseCents);
}
catch
{
    // The call did not happen: give the head-room back rather than let the reservation expire as spent.
    await reservations.ReleaseAsync(reservation.ReservationId, CancellationToken.None);
    throw;
}

await reservations.CommitAsync(reservation.ReservationId, actualCents, cancellationToken: ct);
Console.WriteLine($"committed {Cents(actualCents)}¢ (worst case was {Cents(worstCaseCents)}¢)");

foreach (var scope in chain)
{
    var budget = await grains.GetGrain<IBudgetGovernorGrain>(scope).GetBudgetAsync(ct);
    var windows = budget.Windows.Select(w => $"{w.Window}: {Cents(w.SpentCents)}¢ spent + {Cents(w.ReservedCents)}¢ reserved of {Cents(w.LimitCents)}¢");
    Console.WriteLine($"  {scope,-12} {budget.Status,-11} {(budget.HasPolicy ? string.Join("; ", windows) : "no limits (spend is still attributed)")}");
}

await host.StopAsync(CancellationToken.None);
return run.Status == RunStatus.Succeeded ? 0 : 1;

// "Our provider": a local computation priced at 0.01¢ per word, never more than the reserved worst case.
static decimal CallOwnProvider(string script, decimal worstCaseCents) =>
    Math.Min(worstCaseCents, script.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length * 0.01m);

static string Cents(decimal cents) => cents.ToString("0.######", CultureInfo.InvariantCulture);

// The samples live in samples/; look from the working directory up, then from the build output up.
static string SampleFile(string folder, string name)
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
    }

    throw new FileNotFoundException($"samples/{folder}/{name} not found above {Directory.GetCurrentDirectory()}");
}
