using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Abstractions.Cluster;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Security;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Storage;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Storage.Tests;

/// <summary>
/// What every store must do, run against each backend (Orleans' ReminderTableTestsBase pattern).
/// A subclass supplies a fresh, empty store per test.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset _now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset _day = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);

    protected ICostOrchestratorStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<ICostOrchestratorStore> CreateStoreAsync();

    /// <summary>
    /// Writes a provider and its price history the way nodes did before the registry became grain state (the store no
    /// longer writes these tables; the registry grain imports them once).
    /// </summary>
    protected abstract Task InsertLegacyProviderAsync(ProviderRecord provider, IReadOnlyList<PriceChange> history);

    public async ValueTask InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync(Ct);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }
    }

    private static StoreReservation Reservation(string id, decimal amount, params ReservationTarget[] targets) => new()
    {
        ReservationId = id,
        IdempotencyKey = "key-" + id,
        Chain = targets.Select(t => t.Scope).Distinct().ToList(),
        AmountCents = amount,
        Targets = targets,
        CreatedAt = _now,
        ExpiresAt = _now.AddMinutes(15),
        Attribution = new ChargeAttribution { ProviderId = "fal", Capability = "ai-video-generate", RunId = "run-1", Step = "broll" },
    };

    private static ReservationTarget Target(string scope) => new() { Scope = scope, Window = WindowKind.Day, WindowStart = _day };

    private async Task<GovernorFence> ClaimAsync(string scope) =>
        new(scope, (await Store.ClaimGovernorAsync(scope, [new SpendKey(scope, WindowKind.Day, _day)], Ct)).Epoch);

    private async Task<SpendRow> SpendAsync(string scope) => (await Store.GetSpendAsync([new SpendKey(scope, WindowKind.Day, _day)], Ct))[0];

    [Fact]
    public async Task Initialize_Twice_IsHarmless()
    {
        await Store.InitializeAsync(Ct);
        Assert.True(await Store.TrySetMetaAsync("seeded", "yes", Ct));
        Assert.False(await Store.TrySetMetaAsync("seeded", "again", Ct));
        Assert.Equal("yes", await Store.GetMetaAsync("seeded", Ct));
    }

    [Fact]
    public async Task LegacyRegistryRows_AreReadBackForTheRegistrysImport()
    {
        var provider = TestProviders.Fixed("fal", "ai-video-generate", 22.5m) with { PriceUpdatedAt = _now };
        await InsertLegacyProviderAsync(provider, [
            new PriceChange { ProviderId = "fal", ChangedAt = _now.AddDays(-1), CostModel = new CostModel { Kind = CostModelKind.PerInvocation, CentsPerInvocation = 20m } },
            new PriceChange { ProviderId = "fal", ChangedAt = _now, CostModel = provider.CostModel },
        ]);

        var stored = Assert.Single(await Store.GetProvidersAsync(Ct));
        Assert.Equal(22.5m, stored.CostModel.CentsPerInvocation);
        Assert.Equal(_now, stored.PriceUpdatedAt);
        Assert.Equal([20m, 22.5m], (await Store.GetPriceHistoryAsync("fal", Ct)).Select(p => p.CostModel.CentsPerInvocation!.Value));
        Assert.Empty(await Store.GetPriceHistoryAsync("other", Ct));
    }

    [Fact]
    public async Task UpsertPolicy_IncrementsVersion()
    {
        var policy = new BudgetPolicy { Scope = "team:media", Windows = [new BudgetWindowLimit { Window = WindowKind.Month, LimitCents = 1000.123456m }] };

        var first = await Store.UpsertPolicyAsync(policy, Ct);
        var second = await Store.UpsertPolicyAsync(policy with { OverdraftCents = 5m }, Ct);

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        var stored = (await Store.GetPolicyAsync("team:media", Ct))!;
        Assert.Equal(1000.123456m, stored.Windows[0].LimitCents);
        Assert.Equal(5m, stored.OverdraftCents);
        Assert.Null(await Store.GetPolicyAsync("team:none", Ct));
    }

    [Fact]
    public async Task ClaimGovernor_FencesOutTheOlderEpoch_AndItsSnapshotHoldsEveryEarlierWrite()
    {
        var first = await ClaimAsync("global");
        var written = await Store.ReserveAsync(Reservation("r1", 4m, Target("global")) with { Fences = [first], Overdraft = true }, Ct);
        Assert.Equal("r1", written.Reservation!.ReservationId);
        Assert.True(written.Reservation.Overdraft);

        var snapshot = await Store.ClaimGovernorAsync("global", [new SpendKey("global", WindowKind.Day, _day)], Ct);
        var stale = await Store.ReserveAsync(Reservation("r2", 2m, Target("global")) with { Fences = [first] }, Ct);

        Assert.True(snapshot.Epoch > first.Epoch);
        Assert.Equal(4m, Assert.Single(snapshot.Spend).ReservedCents);
        var hold = Assert.Single(snapshot.Holds);
        Assert.Equal(("r1", 4m, _now.AddMinutes(15)), (hold.ReservationId, hold.AmountCents, hold.ExpiresAt));
        Assert.Equal([new SpendKey("global", WindowKind.Day, _day)], hold.Windows);
        Assert.Equal("global", stale.FencedScope);
        Assert.Null(stale.Reservation);
        Assert.Null(await Store.GetReservationAsync("r2", Ct));
        Assert.Equal(4m, (await SpendAsync("global")).ReservedCents);
    }

    [Fact]
    public async Task Reserve_OneStaleFence_WritesNothingOnAnyScope()
    {
        var global = await ClaimAsync("global");
        var team = await ClaimAsync("team:a");
        await ClaimAsync("team:a");

        var result = await Store.ReserveAsync(Reservation("r1", 4m, Target("global"), Target("team:a")) with { Fences = [global, team] }, Ct);

        Assert.Equal("team:a", result.FencedScope);
        Assert.Equal(0m, (await SpendAsync("global")).ReservedCents);
        Assert.Null(await Store.GetReservationAsync("r1", Ct));
        Assert.Empty((await Store.ClaimGovernorAsync("global", [], Ct)).Holds);
    }

    [Fact]
    public async Task Reserve_SameIdempotencyKey_ReturnsTheFirstReservation()
    {
        var first = await Store.ReserveAsync(Reservation("r1", 4m, Target("global")), Ct);
        var again = await Store.ReserveAsync(Reservation("r1-retry", 4m, Target("global")) with { IdempotencyKey = "key-r1" }, Ct);

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal("r1", again.Reservation!.ReservationId);
        Assert.Equal(first.Reservation! with { Chain = again.Reservation.Chain }, again.Reservation);
        Assert.Equal(first.Reservation.Chain, again.Reservation.Chain);
        Assert.Equal(4m, (await SpendAsync("global")).ReservedCents);
        Assert.Equal("r1", (await Store.GetReservationByKeyAsync("key-r1", Ct))!.ReservationId);
    }

    [Fact]
    public async Task CommitAndRelease_MoveMoneyExactlyAndAreIdempotent()
    {
        await Store.ReserveAsync(Reservation("r1", 4.000001m, Target("global")), Ct);
        await Store.ReserveAsync(Reservation("r2", 3m, Target("global")), Ct);

        var committed = await Store.CommitAsync("r1", 3.141592m, new TokenCounts { Input = 10, Output = 5 }, _now, null, Ct);
        var committedAgain = await Store.CommitAsync("r1", 99m, null, _now, null, Ct);
        var released = await Store.ReleaseAsync("r2", Ct);
        var releasedAgain = await Store.ReleaseAsync("r2", Ct);

        Assert.Equal(ReservationState.Committed, committed.Reservation!.State);
        Assert.Equal(ReservationState.Released, released.Reservation!.State);
        Assert.Equal((true, false, true, false), (committed.Applied, committedAgain.Applied, released.Applied, releasedAgain.Applied));
        Assert.Equal(3.141592m, committedAgain.Reservation!.ActualCents);
        var spend = await SpendAsync("global");
        Assert.Equal(3.141592m, spend.ChargedCents);
        Assert.Equal(0m, spend.ReservedCents);
        var entry = Assert.Single(await Store.GetLedgerAsync(new LedgerQuery(), Ct));
        Assert.Equal((4.000001m, 3.141592m, "fal", 10L), (entry.EstimatedCents, entry.ActualCents, entry.Attribution.ProviderId, entry.Tokens!.Input));
        var unknown = await Store.CommitAsync("unknown", 1m, null, _now, null, Ct);
        Assert.Equal((null, false), (unknown.Reservation, unknown.Applied));
    }

    private static SliceCharge SliceCall(string id, decimal estimated, decimal actual) => new()
    {
        EntryId = "led_" + id,
        ReservationId = "slc_" + id,
        CreatedAt = _now,
        Attribution = new ChargeAttribution { ProviderId = "fal", Capability = "llm-chat" },
        EstimatedCents = estimated,
        ActualCents = actual,
        Tokens = new TokenCounts { Input = 3, Output = 4 },
    };

    [Fact]
    public async Task ChargeSlice_WritesALedgerRowPerCall_MovesTheirCostFromHeldToCharged_AndARetriedFlushChangesNothing()
    {
        await Store.ReserveAsync(Reservation("lease", 10m, Target("global"), Target("team:a")), Ct);
        SliceCharge[] first = [SliceCall("a", 1m, 0.5m), SliceCall("b", 1m, 0.25m)];

        var charged = await Store.ChargeSliceAsync("lease", first, Ct);
        var retried = await Store.ChargeSliceAsync("lease", first, Ct);
        var second = await Store.ChargeSliceAsync("lease", [SliceCall("c", 2m, 1.000001m)], Ct);

        Assert.Equal((true, false, true), (charged.Applied, retried.Applied, second.Applied));
        Assert.Equal(1.750001m, second.Reservation!.ActualCents); // the lease's running charge
        foreach (var scope in new[] { "global", "team:a" })
        {
            Assert.Equal((1.750001m, 8.249999m), ((await SpendAsync(scope)).ChargedCents, (await SpendAsync(scope)).ReservedCents));
        }

        var ledger = await Store.GetLedgerAsync(new LedgerQuery { Scope = "team:a" }, Ct);
        Assert.Equal(["slc_a", "slc_b", "slc_c"], ledger.Select(e => e.ReservationId).Order());
        var c = Assert.Single(ledger, e => e.ReservationId == "slc_c");
        Assert.Equal((2m, 1.000001m, "fal", 4L, false), (c.EstimatedCents, c.ActualCents, c.Attribution.ProviderId, c.Tokens!.Output, c.Unreconciled));

        // A governor loading now sees the lease as what it still holds and what it was charged so far.
        var hold = Assert.Single((await Store.ClaimGovernorAsync("team:a", [new SpendKey("team:a", WindowKind.Day, _day)], Ct)).Holds);
        Assert.Equal((10m, 1.750001m), (hold.AmountCents, hold.ChargedCents));

        // Given back: only what it still held returns; its calls stay charged.
        var released = await Store.ReleaseAsync("lease", Ct);
        Assert.True(released.Applied);
        Assert.Equal((1.750001m, 0m), ((await SpendAsync("global")).ChargedCents, (await SpendAsync("global")).ReservedCents));
        Assert.False((await Store.ChargeSliceAsync("lease", [SliceCall("d", 1m, 1m)], Ct)).Applied);
        Assert.Equal(3, (await Store.GetLedgerAsync(new LedgerQuery(), Ct)).Count);
    }

    [Fact]
    public async Task ALeaseOfADeadSilo_IsSettledForWhatItStillHeld_SoSpendEqualsTheLedger()
    {
        await Store.ReserveAsync(Reservation("lease", 10m, Target("global")) with { Silo = "10.0.0.1:11111@1" }, Ct);
        await Store.ChargeSliceAsync("lease", [SliceCall("a", 1m, 3m)], Ct);

        var settled = Assert.Single(await Store.SettleWrittenByAsync(["10.0.0.1:11111@1"], _now, Ct));

        Assert.Equal("lease", settled.ReservationId);
        var spend = await SpendAsync("global");
        Assert.Equal((10m, 0m), (spend.ChargedCents, spend.ReservedCents));
        var ledger = await Store.GetLedgerAsync(new LedgerQuery(), Ct);
        Assert.Equal(spend.ChargedCents, ledger.Sum(e => e.ActualCents));
        Assert.Equal(7m, Assert.Single(ledger, e => e.Unreconciled).ActualCents);
        Assert.False((await Store.ChargeSliceAsync("lease", [SliceCall("b", 1m, 1m)], Ct)).Applied);
    }

    [Fact]
    public async Task SettleExpired_ChargesTheReservedAmountOnce_AndALateCommitReconciles()
    {
        await Store.ReserveAsync(Reservation("r1", 6m, Target("global")), Ct);
        await Store.ReserveAsync(Reservation("r2", 1m, Target("global")) with { ExpiresAt = _now.AddHours(2) }, Ct);

        var settled = await Store.SettleExpiredAsync(_now.AddMinutes(20), Ct);
        var again = await Store.SettleExpiredAsync(_now.AddMinutes(20), Ct);

        Assert.Equal("r1", Assert.Single(settled).ReservationId);
        Assert.Empty(again);
        Assert.Equal((6m, 1m), ((await SpendAsync("global")).ChargedCents, (await SpendAsync("global")).ReservedCents));
        Assert.True(Assert.Single(await Store.GetLedgerAsync(new LedgerQuery(), Ct)).Unreconciled);

        var late = await Store.CommitAsync("r1", 2.5m, null, _now, null, Ct);
        Assert.Equal((true, true), (late.Applied, late.Reconciled));
        Assert.Equal(2.5m, (await SpendAsync("global")).ChargedCents);
        var entry = Assert.Single(await Store.GetLedgerAsync(new LedgerQuery(), Ct));
        Assert.False(entry.Unreconciled);
        Assert.Equal(2.5m, entry.ActualCents);
    }

    [Fact]
    public async Task SettleWrittenBy_SettlesOnlyTheDeadSilosPendingReservations_Once()
    {
        await Store.ReserveAsync(Reservation("dead-1", 6m, Target("global")) with { Silo = "10.0.0.1:11111@1" }, Ct);
        await Store.ReserveAsync(Reservation("dead-2", 1m, Target("global")) with { Silo = "10.0.0.1:11111@1" }, Ct);
        await Store.ReserveAsync(Reservation("alive", 2m, Target("global")) with { Silo = "10.0.0.2:11111@1" }, Ct);
        await Store.ReleaseAsync("dead-2", Ct);

        var settled = await Store.SettleWrittenByAsync(["10.0.0.1:11111@1", "10.0.0.9:11111@1"], _now, Ct);
        var again = await Store.SettleWrittenByAsync(["10.0.0.1:11111@1"], _now, Ct);

        Assert.Equal(["dead-1"], settled.Select(r => r.ReservationId));
        Assert.Empty(again);
        Assert.Equal(ReservationState.Pending, (await Store.GetReservationAsync("alive", Ct))!.State);
        Assert.Equal((6m, 2m), ((await SpendAsync("global")).ChargedCents, (await SpendAsync("global")).ReservedCents));
        Assert.True(Assert.Single(await Store.GetLedgerAsync(new LedgerQuery(), Ct)).Unreconciled);
    }

    [Fact]
    public async Task GetLedger_FiltersByScopeRunAndTime()
    {
        await Store.AppendLedgerAsync(new LedgerEntry { EntryId = "e1", CreatedAt = _now, Chain = ["global", "team:a"], Attribution = new ChargeAttribution { RunId = "run-1" }, ActualCents = 1m }, Ct);
        await Store.AppendLedgerAsync(new LedgerEntry { EntryId = "e2", CreatedAt = _now.AddHours(1), Chain = ["global", "team:b"], Attribution = new ChargeAttribution { RunId = "run-2" }, SavedCents = 3m, CacheHit = true }, Ct);

        Assert.Equal(["e2", "e1"], (await Store.GetLedgerAsync(new LedgerQuery(), Ct)).Select(e => e.EntryId));
        Assert.Equal(["e1"], (await Store.GetLedgerAsync(new LedgerQuery { Scope = "team:a" }, Ct)).Select(e => e.EntryId));
        Assert.Equal(["e2"], (await Store.GetLedgerAsync(new LedgerQuery { RunId = "run-2" }, Ct)).Select(e => e.EntryId));
        Assert.Equal(["e2"], (await Store.GetLedgerAsync(new LedgerQuery { From = _now.AddMinutes(30) }, Ct)).Select(e => e.EntryId));
        Assert.Equal(["e1"], (await Store.GetLedgerAsync(new LedgerQuery { To = _now.AddMinutes(30) }, Ct)).Select(e => e.EntryId));
        Assert.True((await Store.GetLedgerAsync(new LedgerQuery { Scope = "team:b" }, Ct))[0].CacheHit);
    }

    [Fact]
    public async Task GetProviderUses_CountsTheProvidersCallsOfThePeriod_AndItsPendingReservations()
    {
        var march = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var april = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
        StoreReservation On(string id, string providerId) =>
            Reservation(id, 0m, Target("global")) with { Attribution = new ChargeAttribution { ProviderId = providerId, Capability = "stock-search" } };
        foreach (var id in new[] { "used-1", "used-2", "lost", "released" })
        {
            await Store.ReserveAsync(On(id, "storyblocks"), Ct);
        }

        await Store.ReserveAsync(On("other", "shutterstock"), Ct);
        await Store.CommitAsync("used-1", 0m, null, _now, null, Ct);
        await Store.CommitAsync("used-2", 0m, null, april.AddTicks(-10), null, Ct);
        await Store.CommitAsync("other", 3m, null, _now, null, Ct);
        await Store.ReleaseAsync("released", Ct);

        // A call whose outcome never came back is settled as spent: a use too.
        Assert.Equal(["lost"], (await Store.SettleExpiredAsync(_now.AddMinutes(20), Ct)).Select(r => r.ReservationId));
        await Store.ReserveAsync(On("in-flight", "storyblocks"), Ct);

        // A cache hit names the provider that produced the result but is no use of it; neither is last month's call.
        await Store.AppendLedgerAsync(new LedgerEntry { EntryId = "hit", CreatedAt = _now, Chain = ["global"], Attribution = new ChargeAttribution { ProviderId = "storyblocks" }, CacheHit = true }, Ct);
        await Store.AppendLedgerAsync(new LedgerEntry { EntryId = "february", CreatedAt = march.AddTicks(-10), Chain = ["global"], Attribution = new ChargeAttribution { ProviderId = "storyblocks" } }, Ct);

        var uses = await Store.GetProviderUsesAsync("storyblocks", march, april, Ct);

        Assert.Equal(3, uses.Committed);
        Assert.Equal(["in-flight"], uses.Pending);
        Assert.Equal(0, (await Store.GetProviderUsesAsync("storyblocks", april, april.AddMonths(1), Ct)).Committed);
        var nobody = await Store.GetProviderUsesAsync("nobody", march, april, Ct);
        Assert.Equal(0, nobody.Committed);
        Assert.Empty(nobody.Pending);
    }

    [Fact]
    public async Task Runs_CreateSaveListAndJournal()
    {
        var pipeline = new PipelineDefinition { Id = "p", Steps = [new PipelineStep { Name = "s", Invoke = new StepInvoke { Capability = "tts-generate" } }] };
        RunRecord Run(string id, int minutes, RunStatus status) => new()
        {
            RunId = id, PipelineId = id.StartsWith('q') ? "q" : "p", Status = status, Pipeline = pipeline, CreatedAt = _now.AddMinutes(minutes),
            Steps = [new StepRecord { Name = "s", Capability = "tts-generate" }],
        };

        Assert.True(await Store.CreateRunAsync(Run("r1", 0, RunStatus.Running), Ct));
        Assert.False(await Store.CreateRunAsync(Run("r1", 0, RunStatus.Running), Ct));
        await Store.CreateRunAsync(Run("r2", 1, RunStatus.Running), Ct);
        await Store.CreateRunAsync(Run("q1", 2, RunStatus.Queued), Ct);
        Assert.True(await Store.SaveRunAsync(Run("r1", 0, RunStatus.Succeeded) with { TotalCostCents = 1.5m }, null, Ct));

        Assert.Equal(1.5m, (await Store.GetRunAsync("r1", Ct))!.TotalCostCents);
        Assert.Equal(["q1", "r2", "r1"], (await Store.ListRunsAsync(new RunQuery(), Ct)).Select(r => r.RunId));
        Assert.Equal(["r2"], (await Store.ListRunsAsync(new RunQuery { PipelineId = "p", Status = RunStatus.Running }, Ct)).Select(r => r.RunId));
        Assert.Equal(["r2"], (await Store.ListRunsAsync(new RunQuery { Limit = 1, Offset = 1 }, Ct)).Select(r => r.RunId));
        Assert.Equal(["r2"], (await Store.ListRunsAsync(new RunQuery { CreatedFrom = _now.AddMinutes(1), CreatedTo = _now.AddMinutes(2) }, Ct)).Select(r => r.RunId));
        Assert.Equal(["q1", "r2"], (await Store.ListRunsAsync(new RunQuery { CreatedFrom = _now.AddSeconds(30) }, Ct)).Select(r => r.RunId));
        Assert.Equal(["r1"], (await Store.ListRunsAsync(new RunQuery { CreatedTo = _now.AddSeconds(30) }, Ct)).Select(r => r.RunId));

        var result = JsonSerializer.SerializeToElement(new { url = "x" });
        await Store.AppendJournalAsync(new JournalEntry { RunId = "r1", StepIndex = 0, Item = 1, Invocation = new InvocationRecord { InvocationId = "i2", ActualCents = 2m }, Result = result }, Ct);
        await Store.AppendJournalAsync(new JournalEntry { RunId = "r1", StepIndex = 0, Item = 0, Invocation = new InvocationRecord { InvocationId = "i1" }, Result = result }, Ct);
        await Store.AppendJournalAsync(new JournalEntry { RunId = "r1", StepIndex = 0, Item = 0, Invocation = new InvocationRecord { InvocationId = "dup" }, Result = result }, Ct);

        var journal = await Store.GetJournalAsync("r1", Ct);
        Assert.Equal(["i1", "i2"], journal.Select(j => j.Invocation.InvocationId));
        Assert.Equal("x", journal[0].Result.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Pipelines_AreStoredById()
    {
        await Store.SavePipelineAsync(new PipelineDefinition { Id = "b", Steps = [] }, Ct);
        await Store.SavePipelineAsync(new PipelineDefinition { Id = "a", Steps = [], Priority = Priority.High }, Ct);
        await Store.SavePipelineAsync(new PipelineDefinition { Id = "a", Steps = [], Priority = Priority.Low }, Ct);

        Assert.Equal(["a", "b"], (await Store.GetPipelinesAsync(Ct)).Select(p => p.Id));
        Assert.Equal(Priority.Low, (await Store.GetPipelineAsync("a", Ct))!.Priority);
    }

    [Fact]
    public async Task Cache_ServesUntilExpiry()
    {
        var result = JsonSerializer.SerializeToElement(new { url = "sim://x" });
        await Store.PutCacheAsync(new CacheEntry { Key = "k1", Capability = "c", ProviderId = "p", Result = result, CostCents = 0.25m, CreatedAt = _now, ExpiresAt = _now.AddHours(1) }, Ct);
        await Store.PutCacheAsync(new CacheEntry { Key = "k2", Capability = "c", ProviderId = "p", Result = result, CostCents = 1m, CreatedAt = _now }, Ct);

        Assert.Equal(0.25m, (await Store.GetCacheAsync("k1", _now.AddMinutes(59), Ct))!.CostCents);
        Assert.Null(await Store.GetCacheAsync("k1", _now.AddHours(1), Ct));
        Assert.NotNull(await Store.GetCacheAsync("k2", _now.AddYears(10), Ct));
        Assert.Null(await Store.GetCacheAsync("missing", _now, Ct));
    }

    [Fact]
    public async Task ClaimRun_NewestActivationWins_SupersededWritesAreRefused()
    {
        var pipeline = new PipelineDefinition { Id = "p", Steps = [] };
        var run = new RunRecord { RunId = "r1", PipelineId = "p", Status = RunStatus.Running, Pipeline = pipeline, CreatedAt = _now, Steps = [] };
        Assert.False(await Store.ClaimRunAsync("r1", "a1", Ct));
        await Store.CreateRunAsync(run, Ct);

        Assert.True(await Store.ClaimRunAsync("r1", "a1", Ct));
        Assert.True(await Store.SaveRunAsync(run with { TotalCostCents = 1m }, "a1", Ct));

        // A second activation (the first one's silo was declared dead) claims the run: the first can no longer write.
        Assert.True(await Store.ClaimRunAsync("r1", "a2", Ct));
        Assert.False(await Store.SaveRunAsync(run with { TotalCostCents = 99m }, "a1", Ct));
        Assert.True(await Store.SaveRunAsync(run with { TotalCostCents = 2m }, "a2", Ct));
        Assert.Equal(2m, (await Store.GetRunAsync("r1", Ct))!.TotalCostCents);
    }

    [Fact]
    public async Task ApiKeys_FoundByHashUntilRevoked()
    {
        await Store.CreateApiKeyAsync(new ApiKey { KeyId = "key_1", Name = "media", Scopes = ["team:media"], CreatedAt = _now }, "hash-1", Ct);
        await Store.CreateApiKeyAsync(new ApiKey { KeyId = "key_2", Name = "support", Scopes = ["team:support", "user:u42"], CreatedAt = _now.AddMinutes(1) }, "hash-2", Ct);

        Assert.Equal(["team:support", "user:u42"], (await Store.FindApiKeyAsync("hash-2", Ct))!.Scopes);
        Assert.Null(await Store.FindApiKeyAsync("nope", Ct));
        Assert.True(await Store.RevokeApiKeyAsync("key_1", _now.AddHours(1), Ct));
        Assert.False(await Store.RevokeApiKeyAsync("key_1", _now.AddHours(2), Ct));
        Assert.Null(await Store.FindApiKeyAsync("hash-1", Ct));
        var all = await Store.GetApiKeysAsync(Ct);
        Assert.Equal(["key_2", "key_1"], all.Select(k => k.KeyId));
        Assert.Equal(_now.AddHours(1), all[1].RevokedAt);
    }

    [Fact]
    public async Task Commit_WithAStepsJournalEntry_WritesItWithTheCharge_OnceAndOnlyWithACharge()
    {
        await Store.ReserveAsync(Reservation("r1", 4m, Target("global")), Ct);
        var entry = new JournalEntry
        {
            RunId = "run-1",
            StepIndex = 1,
            Item = 0,
            Invocation = new InvocationRecord { InvocationId = "inv-1", ProviderId = "fal", ActualCents = 3m },
            Result = JsonSerializer.SerializeToElement(new { url = "https://example.test/clip.mp4" }),
        };

        await Store.CommitAsync("r1", 3m, null, _now, entry, Ct);
        await Store.CommitAsync("r1", 3m, null, _now, entry with { Invocation = entry.Invocation with { InvocationId = "replayed" } }, Ct);
        Assert.Null((await Store.CommitAsync("unknown", 1m, null, _now, entry with { RunId = "run-2" }, Ct)).Reservation);

        var journaled = Assert.Single(await Store.GetJournalAsync("run-1", Ct));
        Assert.Equal(("inv-1", "https://example.test/clip.mp4"), (journaled.Invocation.InvocationId, journaled.Result.GetProperty("url").GetString()));
        Assert.Equal(3m, Assert.Single(await Store.GetLedgerAsync(new LedgerQuery { RunId = "run-1" }, Ct)).ActualCents);
        Assert.Empty(await Store.GetJournalAsync("run-2", Ct));
    }

    [Fact]
    public async Task CommitBatch_EachCommitOnItsOwn_OneTransaction_AReplayInTheSameBatchChangesNothing()
    {
        await Store.ReserveAsync(Reservation("c1", 5m, Target("global"), Target("team:a")), Ct);
        await Store.ReserveAsync(Reservation("c2", 4m, Target("global")), Ct);
        var entry = new JournalEntry
        {
            RunId = "run-9",
            StepIndex = 0,
            Item = 0,
            Invocation = new InvocationRecord { InvocationId = "inv-9", ActualCents = 1.5m },
            Result = JsonSerializer.SerializeToElement(new { ok = true }),
        };

        var results = await Store.CommitBatchAsync(
        [
            new StoreCommit { ReservationId = "c1", ActualCents = 3m, Now = _now },
            new StoreCommit { ReservationId = "c2", ActualCents = 1.5m, Now = _now, Journal = entry },
            new StoreCommit { ReservationId = "c1", ActualCents = 99m, Now = _now },
            new StoreCommit { ReservationId = "unknown", ActualCents = 1m, Now = _now },
        ], Ct);

        Assert.Equal([3m, 1.5m, 3m], results.Take(3).Select(r => r.Reservation!.ActualCents!.Value));
        Assert.Equal([true, true, false, false], results.Select(r => r.Applied));
        Assert.Null(results[3].Reservation);
        Assert.Equal((4.5m, 0m), ((await SpendAsync("global")).ChargedCents, (await SpendAsync("global")).ReservedCents));
        Assert.Equal((3m, 0m), ((await SpendAsync("team:a")).ChargedCents, (await SpendAsync("team:a")).ReservedCents));
        Assert.Equal(2, (await Store.GetLedgerAsync(new LedgerQuery(), Ct)).Count);
        Assert.Equal("inv-9", Assert.Single(await Store.GetJournalAsync("run-9", Ct)).Invocation.InvocationId);
    }

    [Fact]
    public async Task ReserveBatch_EachReservationAllOrNothing_OneTransaction()
    {
        var global = await ClaimAsync("global");
        var first = Reservation("b1", 4m, Target("global"), Target("team:a")) with { Fences = [global] };
        var fenced = Reservation("b2", 7m, Target("global"), Target("team:a")) with { Fences = [global with { Epoch = global.Epoch - 1 }] };
        var repeat = Reservation("b3", 4m, Target("global")) with { IdempotencyKey = first.IdempotencyKey };
        var last = Reservation("b4", 6m, Target("global"), Target("team:b")) with { Fences = [global] };

        var results = await Store.ReserveBatchAsync([first, fenced, repeat, last], Ct);

        Assert.Equal(["b1", null, "b1", "b4"], results.Select(o => o.Reservation?.ReservationId));
        Assert.Equal("global", results[1].FencedScope);
        Assert.True(results[2].Replayed);
        Assert.Equal(10m, (await SpendAsync("global")).ReservedCents);
        Assert.Equal(4m, (await SpendAsync("team:a")).ReservedCents); // the refused one left nothing behind
        Assert.Null(await Store.GetReservationAsync("b2", Ct));
        Assert.Null(await Store.GetReservationAsync("b3", Ct));
    }
}
