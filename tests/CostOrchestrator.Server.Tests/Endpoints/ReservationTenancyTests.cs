using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests.Endpoints;

/// <summary>
/// The reservation API tried as a hostile tenant would, with two real API keys of two teams against a real node: a
/// key cannot leave out the scopes above it, cannot see or collide with another caller's idempotency keys, and every
/// refused request leaves budgets, ledger and reservations as they were. Run on SQLite and on PostgreSQL.
/// </summary>
public abstract class ReservationTenancyTests(RunningNode node)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string NewKey() => "k-" + Guid.NewGuid().ToString("N");

    private async Task<(decimal Spent, decimal Reserved)> WindowAsync(string scope)
    {
        var window = (await node.BudgetAsyncOf(scope)).Windows.FirstOrDefault();
        return window is null ? (0m, 0m) : (window.SpentCents, window.ReservedCents);
    }

    // Everything a refused request must leave as it was.
    private async Task<string> StateAsync(params string[] scopes)
    {
        var budgets = new List<object>();
        foreach (var scope in scopes)
        {
            // What the store holds per window; the forecast is left out, it moves with the clock by itself.
            var budget = await node.BudgetAsyncOf(scope);
            budgets.Add(new { budget.Scope, windows = budget.Windows.Select(w => new { w.Window, w.WindowStart, w.SpentCents, w.ReservedCents, w.LimitCents, w.Status }) });
        }

        var ledger = await node.Store.GetLedgerAsync(new LedgerQuery(), Ct);
        return JsonSerializer.Serialize(new { budgets, ledger = ledger.Count, keys = (await node.Store.GetApiKeysAsync(Ct)).Count });
    }

    [Fact]
    public async Task AScopedKey_IsChargedToGlobalAndItsOwnScopes_EvenWhenItListsOnlyANarrowerOne()
    {
        using var red = node.Client(await node.CreateKeyAsync("team:red"));
        var globalBefore = await WindowAsync("global");

        var response = await red.PostAsync("/v1/reservations", Json($$"""{ "chain": ["team:red"], "amount_cents": 1.25, "idempotency_key": "{{NewKey()}}" }"""), Ct);
        var reservation = await RunningNode.JsonAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["global", "team:red"], reservation.GetProperty("chain").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(globalBefore.Reserved + 1.25m, (await WindowAsync("global")).Reserved);

        // A narrower scope may be added; the order is the server's, broadest first.
        response = await red.PostAsync("/v1/reservations", Json($$"""{ "chain": ["capability:llm-chat", "pipeline:triage"], "amount_cents": 1, "idempotency_key": "{{NewKey()}}" }"""), Ct);
        Assert.Equal(["global", "team:red", "pipeline:triage", "capability:llm-chat"], (await RunningNode.JsonAsync(response)).GetProperty("chain").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task IdempotencyKeys_LiveInTheCallersNamespace_AnotherTeamsKeyNeitherReadsNorCollides()
    {
        using var red = node.Client(await node.CreateKeyAsync("team:red"));
        using var blue = node.Client(await node.CreateKeyAsync("team:blue"));
        var key = NewKey();

        var redReservation = await RunningNode.JsonAsync(await red.PostAsync("/v1/reservations", Json($$"""{ "chain": ["team:red"], "amount_cents": 2, "idempotency_key": "{{key}}" }"""), Ct));
        var blueResponse = await blue.PostAsync("/v1/reservations", Json($$"""{ "chain": ["team:blue"], "amount_cents": 2, "idempotency_key": "{{key}}" }"""), Ct);
        var blueReservation = await RunningNode.JsonAsync(blueResponse);

        Assert.Equal(HttpStatusCode.Created, blueResponse.StatusCode);
        Assert.NotEqual(redReservation.GetProperty("reservation_id").GetString(), blueReservation.GetProperty("reservation_id").GetString());
        Assert.Equal(["global", "team:blue"], blueReservation.GetProperty("chain").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(key, blueReservation.GetProperty("idempotency_key").GetString());

        // Blue cannot commit or release red's reservation either: to blue it does not exist.
        var id = redReservation.GetProperty("reservation_id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await blue.PostAsync($"/v1/reservations/{id}/release", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task AReusedKeyWithAnotherAmountOrChain_Is409NamingWhatDiffers_AndChangesNothing_WhileTheSameRequestReplays()
    {
        using var red = node.Client(await node.CreateKeyAsync("team:red"));
        var key = NewKey();
        var first = await RunningNode.JsonAsync(await red.PostAsync("/v1/reservations", Json($$"""{ "chain": ["team:red"], "amount_cents": 2, "idempotency_key": "{{key}}" }"""), Ct));
        var before = await StateAsync("global", "team:red");

        var bigger = await red.PostAsync("/v1/reservations", Json($$"""{ "chain": ["team:red"], "amount_cents": 9, "idempotency_key": "{{key}}" }"""), Ct);
        var problem = await RunningNode.JsonAsync(bigger);
        Assert.Equal(HttpStatusCode.Conflict, bigger.StatusCode);
        Assert.Equal("idempotency_conflict", problem.GetProperty("code").GetString());
        Assert.Equal("amount_cents", problem.GetProperty("field").GetString());
        Assert.Equal(2m, problem.GetProperty("amount_cents").GetDecimal());

        var otherChain = await red.PostAsync("/v1/reservations", Json($$"""{ "chain": ["team:red", "pipeline:other"], "amount_cents": 2, "idempotency_key": "{{key}}" }"""), Ct);
        Assert.Equal(HttpStatusCode.Conflict, otherChain.StatusCode);
        Assert.Equal("chain", (await RunningNode.JsonAsync(otherChain)).GetProperty("field").GetString());
        Assert.Equal(before, await StateAsync("global", "team:red"));

        var replay = await red.PostAsync("/v1/reservations", Json($$"""{ "chain": ["team:red"], "amount_cents": 2, "idempotency_key": "{{key}}" }"""), Ct);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(first.GetProperty("reservation_id").GetString(), (await RunningNode.JsonAsync(replay)).GetProperty("reservation_id").GetString());
        Assert.Equal(before, await StateAsync("global", "team:red"));
    }

    [Theory]
    [InlineData("""{ "chain": ["team:red", "teem:red"], "amount_cents": 1, "idempotency_key": "k" }""", "chain[1]")]
    [InlineData("""{ "chain": ["galaxy:andromeda"], "amount_cents": 1, "idempotency_key": "k" }""", "chain[0]")]
    [InlineData("""{ "chain": ["team:red"], "amount_cents": 1e20, "idempotency_key": "k" }""", "amount_cents")]
    [InlineData("""{ "chain": ["team:red"], "amount_cents": 100000000000.000001, "idempotency_key": "k" }""", "amount_cents")]
    [InlineData("""{ "chain": ["team:red"], "amount_cents": 1, "idempotency_key": "a\u0000b" }""", "idempotency_key")]
    public async Task AHostileReservation_Is400NamingTheField_OnEveryStore_AndChangesNothing(string body, string field)
    {
        using var admin = node.Client();
        var before = await StateAsync("global", "team:red");

        var response = await admin.PostAsync("/v1/reservations", Json(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await RunningNode.JsonAsync(response)).GetProperty("field").GetString());
        Assert.Equal(before, await StateAsync("global", "team:red"));
    }

    [Fact]
    public async Task InvalidUtf8OrANulCharacter_AnywhereInABody_Is400NamingTheField_OnEveryStore_AndChangesNothing()
    {
        using var admin = node.Client();
        var before = await StateAsync("global", "team:red");

        // 0xFF can never appear in UTF-8: decoded leniently it would become U+FFFD and collide with another key.
        var invalid = Encoding.UTF8.GetBytes("""{ "chain": ["team:red"], "amount_cents": 1, "idempotency_key": "k-X" }""");
        invalid[Array.IndexOf(invalid, (byte)'X')] = 0xFF;
        var badBytes = await admin.PostAsync("/v1/reservations", new ByteArrayContent(invalid) { Headers = { { "Content-Type", "application/json" } } }, Ct);
        var nul = await admin.PostAsync("/v1/reservations", Json("""{ "chain": ["team:r\u0000ed"], "amount_cents": 1, "idempotency_key": "k" }"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, badBytes.StatusCode);
        Assert.Equal("idempotency_key", (await RunningNode.JsonAsync(badBytes)).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal("chain[0]", (await RunningNode.JsonAsync(nul)).GetProperty("field").GetString());
        Assert.Equal(before, await StateAsync("global", "team:red"));
    }

    [Fact]
    public async Task AHugeLimitOrActualCost_Is400NamingTheField_AndNothingIsStored()
    {
        using var admin = node.Client();
        var before = await StateAsync("global", "team:huge");

        var put = await admin.PutAsJsonAsync("/v1/budgets/team:huge", new { windows = new[] { new { window = "day", limit_cents = 1e20 } } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("windows[0].limit_cents", (await RunningNode.JsonAsync(put)).GetProperty("field").GetString());
        Assert.Equal(before, await StateAsync("global", "team:huge"));

        // The scope is still usable: one request cannot poison a budget.
        var held = await RunningNode.JsonAsync(await admin.PostAsync("/v1/reservations", Json($$"""{ "chain": ["team:huge"], "amount_cents": 1, "idempotency_key": "{{NewKey()}}" }"""), Ct));
        var id = held.GetProperty("reservation_id").GetString();
        var afterReserve = await StateAsync("global", "team:huge");
        var commit = await admin.PostAsync($"/v1/reservations/{id}/commit", Json("""{ "actual_cents": 1e20 }"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, commit.StatusCode);
        Assert.Equal("actual_cents", (await RunningNode.JsonAsync(commit)).GetProperty("field").GetString());
        Assert.Equal(afterReserve, await StateAsync("global", "team:huge"));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/reservations/{id}/commit", Json("""{ "actual_cents": 0.5 }"""), Ct)).StatusCode);
    }

    [Fact]
    public async Task CommitAfterRelease_AndReleaseAfterCommit_Are409NamingTheState_WhileReplaysOfTheSameOperationAre200()
    {
        using var admin = node.Client();
        var released = (await RunningNode.JsonAsync(await admin.PostAsync("/v1/reservations", Json($$"""{ "chain": ["team:red"], "amount_cents": 1, "idempotency_key": "{{NewKey()}}" }"""), Ct))).GetProperty("reservation_id").GetString();
        var committed = (await RunningNode.JsonAsync(await admin.PostAsync("/v1/reservations", Json($$"""{ "chain": ["team:red"], "amount_cents": 1, "idempotency_key": "{{NewKey()}}" }"""), Ct))).GetProperty("reservation_id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/reservations/{released}/release", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/reservations/{committed}/commit", Json("""{ "actual_cents": 0.75 }"""), Ct)).StatusCode);
        var before = await StateAsync("global", "team:red");

        var commitReleased = await admin.PostAsync($"/v1/reservations/{released}/commit", Json("""{ "actual_cents": 1 }"""), Ct);
        var releaseCommitted = await admin.PostAsync($"/v1/reservations/{committed}/release", null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, commitReleased.StatusCode);
        Assert.Equal(("reservation_state_conflict", "released"), Problem(await RunningNode.JsonAsync(commitReleased)));
        Assert.Equal(HttpStatusCode.Conflict, releaseCommitted.StatusCode);
        Assert.Equal(("reservation_state_conflict", "committed"), Problem(await RunningNode.JsonAsync(releaseCommitted)));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/reservations/{released}/release", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/reservations/{committed}/commit", Json("""{ "actual_cents": 0.75 }"""), Ct)).StatusCode);
        Assert.Equal(before, await StateAsync("global", "team:red"));

        static (string?, string?) Problem(JsonElement problem) => (problem.GetProperty("code").GetString(), problem.GetProperty("state").GetString());
    }
}

public sealed class SqliteReservationTenancyTests(RunningNode node) : ReservationTenancyTests(node), IClassFixture<RunningNode>;

public sealed class PostgresReservationTenancyTests(RunningPostgresNode node) : ReservationTenancyTests(node), IClassFixture<RunningPostgresNode>;
