using CostOrchestrator.Storage;

namespace CostOrchestrator.Storage.Tests.PostgreSql;

public sealed class ReminderClaimTests(PostgreSqlSchemaFixture fixture) : IClassFixture<PostgreSqlSchemaFixture>
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ClaimDueRemindersAsync_TwoNodesClaimTheSameDueReminder_ExactlyOneGetsIt()
    {
        var nodes = new[] { await fixture.StoreAsync(), await fixture.NodeAsync() };
        var grainType = "governor-" + Guid.NewGuid().ToString("N");

        // Several rounds, each a fresh race for one reminder.
        for (var round = 0; round < 10; round++)
        {
            var due = s_now.AddHours(round);
            await nodes[0].UpsertReminderAsync(new ReminderEntry { GrainType = grainType, GrainKey = "k", Name = "window-reset", DueAt = due, Period = TimeSpan.FromDays(1) },
                TestContext.Current.CancellationToken);

            var claims = await Concurrently.RunAsync(2, i =>
                nodes[i].ClaimDueRemindersAsync(due, due.AddMinutes(1), $"node-{i}", 100, TestContext.Current.CancellationToken));

            var won = claims.Select(c => c.Where(r => r.GrainType == grainType).ToList()).ToArray();
            Assert.Equal(1, won.Sum(w => w.Count));
            Assert.Equal(due, won.Single(w => w.Count == 1)[0].DueAt);
            Assert.Equal(TimeSpan.FromDays(1), won.Single(w => w.Count == 1)[0].Period);
        }
    }

    [Fact]
    public async Task ClaimDueRemindersAsync_TwoNodesClaimManyAtOnce_EachReminderClaimedByOneNode()
    {
        var nodes = new[] { await fixture.StoreAsync(), await fixture.NodeAsync() };
        var grainType = "run-" + Guid.NewGuid().ToString("N");
        var due = s_now.AddDays(30);
        for (var i = 0; i < 40; i++)
        {
            await nodes[0].UpsertReminderAsync(new ReminderEntry { GrainType = grainType, GrainKey = $"run_{i}", Name = "lease", DueAt = due.AddSeconds(-i) },
                TestContext.Current.CancellationToken);
        }

        var claims = await Concurrently.RunAsync(2, i =>
            nodes[i].ClaimDueRemindersAsync(due, due.AddMinutes(1), $"node-{i}", 1000, TestContext.Current.CancellationToken));

        var keys = claims.SelectMany(c => c.Where(r => r.GrainType == grainType)).Select(r => r.GrainKey).ToList();
        Assert.Equal(40, keys.Count);
        Assert.Equal(40, keys.Distinct().Count());

        // Claimed: nobody gets them again until the claim lapses.
        Assert.DoesNotContain(await nodes[1].ClaimDueRemindersAsync(due.AddSeconds(30), due.AddMinutes(2), "node-1", 1000, TestContext.Current.CancellationToken),
            r => r.GrainType == grainType);
        Assert.Equal(40, (await nodes[0].ClaimDueRemindersAsync(due.AddMinutes(1), due.AddMinutes(2), "node-0", 1000, TestContext.Current.CancellationToken))
            .Count(r => r.GrainType == grainType));
    }

    [Fact]
    public async Task CompleteReminderAsync_ReRegisteredDuringDelivery_KeepsTheNewDueTime()
    {
        var store = await fixture.StoreAsync();
        var grainType = "gov-" + Guid.NewGuid().ToString("N");
        var due = s_now.AddDays(60);
        await store.UpsertReminderAsync(new ReminderEntry { GrainType = grainType, GrainKey = "g", Name = "tick", DueAt = due, Period = TimeSpan.FromHours(1) },
            TestContext.Current.CancellationToken);
        var delivered = Assert.Single(await store.ClaimDueRemindersAsync(due, due.AddMinutes(1), "node-0", 1000, TestContext.Current.CancellationToken),
            r => r.GrainType == grainType);
        await store.UpsertReminderAsync(delivered with { DueAt = due.AddDays(2) }, TestContext.Current.CancellationToken);

        await store.CompleteReminderAsync(delivered, due.AddHours(1), TestContext.Current.CancellationToken);

        var stored = Assert.Single(await store.GetRemindersAsync(TestContext.Current.CancellationToken), r => r.GrainType == grainType);
        Assert.Equal(due.AddDays(2), stored.DueAt);
    }
}
