using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Storage.Tests.PostgreSql;

/// <summary>What PostgreSQL's types could change on the way through: JSON text, instants, ordering, versions.</summary>
public sealed class RoundTripTests(PostgreSqlSchemaFixture fixture) : IClassFixture<PostgreSqlSchemaFixture>
{
    // Seven fractional digits of a second and a non-UTC offset: PostgreSQL keeps microseconds, and Npgsql only writes UTC.
    private static readonly DateTimeOffset s_odd = new DateTimeOffset(2026, 11, 22, 14, 30, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);
    private static readonly DateTimeOffset s_oddTruncated = new DateTimeOffset(2026, 11, 22, 12, 30, 0, TimeSpan.Zero).AddTicks(1_234_560);

    [Fact]
    public async Task PutCacheAsync_CallerJson_ComesBackByteForByte()
    {
        var store = await fixture.StoreAsync();
        const string Raw = """{"z":1,"a":[1.50,2e3,{"k":"v"}],"a2":null}""";
        using var document = JsonDocument.Parse(Raw);
        var key = "k-" + Guid.NewGuid().ToString("N");

        await store.PutCacheAsync(new CacheEntry
        {
            Key = key, Capability = "tts-generate", ProviderId = "espeak", Result = document.RootElement, CostCents = 0.000001m, CreatedAt = s_odd,
            ExpiresAt = s_odd.AddMinutes(1),
        }, TestContext.Current.CancellationToken);

        var hit = await store.GetCacheAsync(key, s_odd, TestContext.Current.CancellationToken);
        Assert.Equal(Raw, hit!.Result.GetRawText());
        Assert.Equal(0.000001m, hit.CostCents);
        Assert.Equal(s_oddTruncated, hit.CreatedAt);
        Assert.Equal(TimeSpan.Zero, hit.CreatedAt.Offset);
        Assert.Null(await store.GetCacheAsync(key, s_odd.AddMinutes(1), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UpsertPolicyAsync_Twice_CountsVersionAndOrdersScopesOrdinally()
    {
        var store = await fixture.StoreAsync();
        var suffix = Guid.NewGuid().ToString("N");
        var windows = new[] { new BudgetWindowLimit { Window = WindowKind.Day, LimitCents = 100m } };

        Assert.Equal(1, (await store.UpsertPolicyAsync(new BudgetPolicy { Scope = "b:" + suffix, Windows = windows }, TestContext.Current.CancellationToken)).Version);
        Assert.Equal(2, (await store.UpsertPolicyAsync(new BudgetPolicy { Scope = "b:" + suffix, Windows = windows, Version = 7 }, TestContext.Current.CancellationToken)).Version);
        await store.UpsertPolicyAsync(new BudgetPolicy { Scope = "B:" + suffix, Windows = windows }, TestContext.Current.CancellationToken);
        await store.UpsertPolicyAsync(new BudgetPolicy { Scope = "a:" + suffix, Windows = windows }, TestContext.Current.CancellationToken);

        // Ordinal, as in SQLite: upper case before lower case, whatever the database locale.
        var scopes = (await store.GetPoliciesAsync(TestContext.Current.CancellationToken)).Select(p => p.Scope).Where(s => s.EndsWith(suffix, StringComparison.Ordinal));
        Assert.Equal(["B:" + suffix, "a:" + suffix, "b:" + suffix], scopes);
        Assert.Equal(2, (await store.GetPolicyAsync("b:" + suffix, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task GetLedgerAsync_ScopeRunAndTimeFilters_ReturnsMatchingNewestFirst()
    {
        var store = await fixture.StoreAsync();
        var scope = "work-item:" + Guid.NewGuid().ToString("N");
        var run = "run_" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 4; i++)
        {
            await store.AppendLedgerAsync(new LedgerEntry
            {
                EntryId = $"led_{scope}_{i}", CreatedAt = s_odd.AddMinutes(i), Chain = ["global", scope, scope], CacheHit = true, SavedCents = 1.25m,
                Attribution = new ChargeAttribution { RunId = i % 2 == 0 ? run : null, Capability = "llm-chat" },
            }, TestContext.Current.CancellationToken);
        }

        var all = await store.GetLedgerAsync(new LedgerQuery { Scope = scope }, TestContext.Current.CancellationToken);
        Assert.Equal([3, 2, 1, 0], all.Select(e => int.Parse(e.EntryId[^1..], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(all, e => Assert.Equal(1.25m, e.SavedCents));
        Assert.Equal(2, (await store.GetLedgerAsync(new LedgerQuery { Scope = scope, RunId = run }, TestContext.Current.CancellationToken)).Count);
        var window = await store.GetLedgerAsync(new LedgerQuery { Scope = scope, From = s_odd.AddMinutes(1), To = s_odd.AddMinutes(3) }, TestContext.Current.CancellationToken);
        Assert.Equal([$"led_{scope}_2", $"led_{scope}_1"], window.Select(e => e.EntryId));
        Assert.Single(await store.GetLedgerAsync(new LedgerQuery { Scope = scope, Limit = 1 }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ListRunsAsync_PipelineStatusAndPaging_NewestFirstWithJournalInOrder()
    {
        var store = await fixture.StoreAsync();
        var pipelineId = "p-" + Guid.NewGuid().ToString("N");
        using var inputs = JsonDocument.Parse("""{"text":"{{ input.script }}","b":1}""");
        var pipeline = new PipelineDefinition
        {
            Id = pipelineId,
            Steps = [new PipelineStep { Name = "narration", Invoke = new StepInvoke { Capability = "tts-generate", Inputs = inputs.RootElement } }],
        };
        await store.SavePipelineAsync(pipeline, TestContext.Current.CancellationToken);
        for (var i = 0; i < 5; i++)
        {
            var run = new RunRecord
            {
                RunId = $"run_{pipelineId}_{i}", PipelineId = pipelineId, Status = RunStatus.Pending, Pipeline = pipeline, CreatedAt = s_odd.AddSeconds(i), Steps = [],
            };
            Assert.True(await store.CreateRunAsync(run, TestContext.Current.CancellationToken));
            Assert.False(await store.CreateRunAsync(run, TestContext.Current.CancellationToken));
            if (i % 2 == 1)
            {
                await store.SaveRunAsync(run with { Status = RunStatus.BudgetRejected }, null, TestContext.Current.CancellationToken);
            }
        }

        var page = await store.ListRunsAsync(new RunQuery { PipelineId = pipelineId, Limit = 2, Offset = 1 }, TestContext.Current.CancellationToken);
        Assert.Equal([$"run_{pipelineId}_3", $"run_{pipelineId}_2"], page.Select(r => r.RunId));
        var rejected = await store.ListRunsAsync(new RunQuery { PipelineId = pipelineId, Status = RunStatus.BudgetRejected }, TestContext.Current.CancellationToken);
        Assert.Equal([$"run_{pipelineId}_3", $"run_{pipelineId}_1"], rejected.Select(r => r.RunId));
        var stored = await store.GetPipelineAsync(pipelineId, TestContext.Current.CancellationToken);
        Assert.Equal(inputs.RootElement.GetRawText(), stored!.Steps[0].Invoke.Inputs!.Value.GetRawText());

        var runId = $"run_{pipelineId}_0";
        using var result = JsonDocument.Parse("""{"url":"file:///tmp/a.wav"}""");
        foreach (var (step, item) in new[] { (1, 1), (0, 0), (1, 0) })
        {
            var entry = new JournalEntry
            {
                RunId = runId, StepIndex = step, Item = item, Result = result.RootElement,
                Invocation = new InvocationRecord { InvocationId = $"inv_{step}_{item}", Item = item, ActualCents = 0.25m },
            };
            await store.AppendJournalAsync(entry, TestContext.Current.CancellationToken);
            await store.AppendJournalAsync(entry with { Invocation = entry.Invocation with { InvocationId = "ignored" } }, TestContext.Current.CancellationToken);
        }

        var journal = await store.GetJournalAsync(runId, TestContext.Current.CancellationToken);
        Assert.Equal(["inv_0_0", "inv_1_0", "inv_1_1"], journal.Select(j => j.Invocation.InvocationId));
        Assert.Equal(result.RootElement.GetRawText(), journal[0].Result.GetRawText());
    }
}
