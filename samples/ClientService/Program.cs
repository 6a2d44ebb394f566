using System.Globalization;
using System.Net;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Client;

// A service that uses a CostOrchestrator node two ways: it runs a pipeline on the node, and it guards a paid
// call of its own with the node's budget (reserve the worst case, call, commit the actual cost).
var url = new Uri(Environment.GetEnvironmentVariable("COSTORCH_URL") ?? "http://127.0.0.1:8080");
var token = Environment.GetEnvironmentVariable("COSTORCH_TOKEN");
if (string.IsNullOrEmpty(token))
{
    Console.Error.WriteLine("Set COSTORCH_TOKEN to the node's admin token or to an API key bound to team:media and user:demo.");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var ct = cancel.Token;
using var client = new CostOrchestratorClient(url, token);

// 1. Run the sample pipeline on the node and wait for it.
var input = JsonDocument.Parse(File.ReadAllText(SampleInput("render-social-clip.json"))).RootElement;
var accepted = await client.SubmitRunAsync("render-social-clip", input, wait: false, ct);
Console.WriteLine($"submitted {accepted.RunId} to {url}");
var run = await client.GetGrain<IPipelineRunGrain>(accepted.RunId).WaitAsync(ct) ?? accepted;
Console.WriteLine($"run {run.RunId}: {run.Status}");
foreach (var step in run.Steps)
{
    Console.WriteLine($"  {step.Name,-10} {step.ProviderId ?? "-",-18} estimated {Cents(step.EstimatedCents),10}¢  actual {Cents(step.ActualCents),10}¢  {step.Status}");
}

Console.WriteLine($"  total {Cents(run.TotalCostCents)}¢{(run.Error is { } error ? $"  ({error.Code}: {error.Message})" : string.Empty)}");

// 2. Our own provider call, budgeted like the node's: reserve the worst case on the whole chain, all or nothing.
string[] chain = ["global", "team:media", "user:demo"];
const decimal worstCaseCents = 0.5m;
var governor = client.GetGrain<IBudgetGovernorGrain>("team:media");
var outcome = await governor.ReserveAsync(new ReservationRequest
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
    await governor.ReleaseAsync(reservation.ReservationId, CancellationToken.None);
    throw;
}

await governor.CommitAsync(reservation.ReservationId, actualCents, cancellationToken: ct);
Console.WriteLine($"committed {Cents(actualCents)}¢ (worst case was {Cents(worstCaseCents)}¢)");

foreach (var scope in chain)
{
    try
    {
        var budget = await client.GetGrain<IBudgetGovernorGrain>(scope).GetBudgetAsync(ct);
        var windows = budget.Windows.Select(w => $"{w.Window}: {Cents(w.SpentCents)}¢ spent + {Cents(w.ReservedCents)}¢ reserved of {Cents(w.LimitCents)}¢");
        Console.WriteLine($"  {scope,-12} {budget.Status,-11} {(budget.HasPolicy ? string.Join("; ", windows) : "no limits (spend is still attributed)")}");
    }
    catch (CostOrchestratorApiException ex) when (ex.Status == HttpStatusCode.Forbidden)
    {
        // An API key reads only the scopes it is bound to (global is the admin's).
        Console.WriteLine($"  {scope,-12} not readable with this key");
    }
}

return run.Status == RunStatus.Succeeded ? 0 : 1;

// "Our provider": a local computation priced at 0.01¢ per word, never more than the reserved worst case.
static decimal CallOwnProvider(string script, decimal worstCaseCents) =>
    Math.Min(worstCaseCents, script.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length * 0.01m);

static string Cents(decimal cents) => cents.ToString("0.######", CultureInfo.InvariantCulture);

// The sample inputs live in samples/inputs; look from the working directory up, then from the build output up.
static string SampleInput(string name)
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "inputs", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
    }

    throw new FileNotFoundException($"samples/inputs/{name} not found above {Directory.GetCurrentDirectory()}");
}
