using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Grains.Registry;
using CostOrchestrator.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CostOrchestrator.Grains.Tests.Hosting;

/// <summary>
/// The contract a node's grain storage and reminder table keep, whichever the node runs on: our own SQLite ones on an
/// embedded node, Orleans' ADO.NET ones (with this project's PostgreSQL schema) when test.sh runs this suite again
/// with <c>COSTORCH_TEST_BACKEND=postgres</c>. Read through the silo's own container, as Orleans uses them.
/// </summary>
public sealed class OrleansStorageContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static bool OnPostgres => Environment.GetEnvironmentVariable("COSTORCH_TEST_BACKEND") == "postgres";

    private static IGrainStorage Storage(CostOrchestratorNode node) => node.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);

    private static GrainId NewGrain() => GrainId.Create("contract-test", Guid.NewGuid().ToString("N"));

    private static GrainState<RegistryState> State(long version = 0) => new() { State = new RegistryState { Version = version } };

    [Fact]
    public async Task GrainStorage_IsTheBackendsOwn()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        Assert.Equal(OnPostgres ? "AdoNetGrainStorage" : "SqliteGrainStorage", Storage(node).GetType().Name);
        Assert.Equal(OnPostgres ? "AdoNetReminderTable" : "SqliteReminderTable", node.Services.GetRequiredService<IReminderTable>().GetType().Name);
    }

    [Fact]
    public async Task GrainStorage_NothingStored_ReadsEmpty_AWriteSurvivesARestart()
    {
        using var dir = new TempDirectory();
        var grain = NewGrain();
        var written = State(7);
        await using (var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct))
        {
            var empty = State(99);
            await Storage(node).ReadStateAsync("s", grain, empty);
            Assert.False(empty.RecordExists);
            Assert.Null(empty.ETag);
            Assert.Equal(0, empty.State!.Version);

            await Storage(node).WriteStateAsync("s", grain, written);
            Assert.True(written.RecordExists);
            Assert.NotNull(written.ETag);
        }

        await using (var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct))
        {
            var read = State();
            await Storage(node).ReadStateAsync("s", grain, read);
            Assert.True(read.RecordExists);
            Assert.Equal(written.ETag, read.ETag);
            Assert.Equal(7, read.State!.Version);

            // Another state name of the same grain is another record.
            var other = State();
            await Storage(node).ReadStateAsync("t", grain, other);
            Assert.False(other.RecordExists);
        }
    }

    [Fact]
    public async Task GrainStorage_AWriteUnderAStaleETag_IsRefusedAndChangesNothing()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        var storage = Storage(node);
        var grain = NewGrain();
        await storage.WriteStateAsync("s", grain, State(1));

        // Two activations read the same version; the first to write wins, the other's write is a conflict.
        var first = State();
        var second = State();
        await storage.ReadStateAsync("s", grain, first);
        await storage.ReadStateAsync("s", grain, second);
        first.State!.Version = 2;
        await storage.WriteStateAsync("s", grain, first);
        second.State!.Version = 3;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", grain, second));

        var read = State();
        await storage.ReadStateAsync("s", grain, read);
        Assert.Equal(2, read.State!.Version);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task GrainStorage_TwoFirstWrites_OnlyOneLands()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        var storage = Storage(node);
        var grain = NewGrain();

        await storage.WriteStateAsync("s", grain, State(1));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", grain, State(2)));

        var read = State();
        await storage.ReadStateAsync("s", grain, read);
        Assert.Equal(1, read.State!.Version);
    }

    [Fact]
    public async Task GrainStorage_Clear_EmptiesTheRecord_FencesStaleWriters_AndAcceptsTheNewETag()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct);
        var storage = Storage(node);
        var grain = NewGrain();
        var clearer = State(5);
        await storage.WriteStateAsync("s", grain, clearer);
        var stale = State();
        await storage.ReadStateAsync("s", grain, stale);

        var etagBefore = clearer.ETag;
        await storage.ClearStateAsync("s", grain, clearer);
        Assert.False(clearer.RecordExists);
        Assert.NotEqual(etagBefore, clearer.ETag);
        Assert.Equal(0, clearer.State!.Version);

        stale.State!.Version = 6;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", grain, stale));
        var read = State();
        await storage.ReadStateAsync("s", grain, read);
        Assert.False(read.RecordExists);

        clearer.State!.Version = 8;
        await storage.WriteStateAsync("s", grain, clearer);
        await storage.ReadStateAsync("s", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(8, read.State!.Version);

        // Clearing what was never written is not a conflict.
        await storage.ClearStateAsync("s", NewGrain(), State());
    }

    [Fact]
    public async Task ReminderTable_UpsertReadRemoveByETag_AndRowsSurviveARestart()
    {
        using var dir = new TempDirectory();
        var grain = GrainId.Create("contract-test", Guid.NewGuid().ToString("N"));
        var startAt = new DateTime(2026, 3, 11, 0, 0, 0, DateTimeKind.Utc);
        string? etag;
        await using (var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct))
        {
            var table = node.Services.GetRequiredService<IReminderTable>();
            etag = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "window", StartAt = startAt, Period = TimeSpan.FromDays(1) }, Ct);
            Assert.NotNull(etag);

            // An upsert of the same reminder replaces it under a new ETag; the old one no longer removes it.
            var moved = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "window", StartAt = startAt.AddDays(1), Period = TimeSpan.FromDays(1) }, Ct);
            Assert.NotEqual(etag, moved);
            Assert.False(await table.RemoveRow(grain, "window", etag!, Ct));
            etag = moved;
        }

        await using (var node = await TestNode.StartAsync(dir.Path, cancellationToken: Ct))
        {
            var table = node.Services.GetRequiredService<IReminderTable>();
            var row = await table.ReadRow(grain, "window", Ct);
            Assert.NotNull(row);
            Assert.Equal(startAt.AddDays(1), row!.StartAt);
            Assert.Equal(TimeSpan.FromDays(1), row.Period);
            Assert.Equal(etag, row.ETag);
            Assert.Contains((await table.ReadRows(grain, Ct)).Reminders, r => r.ReminderName == "window");

            // The grain's hash falls in exactly one of two halves of the ring (a range read wraps around zero).
            var hash = grain.GetUniformHashCode();
            var inRange = (await table.ReadRows(hash - 1, hash, Ct)).Reminders.Any(r => r.GrainId == grain);
            var wrapped = (await table.ReadRows(hash, hash - 1, Ct)).Reminders.Any(r => r.GrainId == grain);
            Assert.True(inRange);
            Assert.False(wrapped);

            Assert.True(await table.RemoveRow(grain, "window", etag!, Ct));
            Assert.Null(await table.ReadRow(grain, "window", Ct));
        }
    }
}
