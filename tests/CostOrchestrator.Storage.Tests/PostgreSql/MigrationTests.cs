using CostOrchestrator.Storage.PostgreSql;

namespace CostOrchestrator.Storage.Tests.PostgreSql;

public sealed class MigrationTests(PostgreSqlSchemaFixture fixture) : IClassFixture<PostgreSqlSchemaFixture>
{
    [Fact]
    public async Task InitializeAsync_ThreeStoresAtOnceOnFreshSchema_AllSucceedAndRecordEachVersionOnce()
    {
        var (connectionString, schema) = await fixture.FreshSchemaAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => fixture.Track(new PostgreSqlStore(connectionString, schema))).ToArray();

        await Concurrently.RunAsync(stores.Length, async i =>
        {
            await stores[i].InitializeAsync(TestContext.Current.CancellationToken);
            return true;
        });

        // Each embedded migration applied exactly once, whoever got there first.
        Assert.Equal("1,2,3,4,5,6", await fixture.ScalarAsync<string>(schema, "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version"));
        Assert.Equal(1L, await fixture.ScalarAsync<long>(schema, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'reservations'"));

        // Every node works on the one schema: exactly one of them wins a set-if-absent.
        var won = await Concurrently.RunAsync(stores.Length, i => stores[i].TrySetMetaAsync("seeded", $"node-{i}", TestContext.Current.CancellationToken));
        Assert.Single(won, w => w);
    }

    [Fact]
    public async Task InitializeAsync_CalledAgain_KeepsDataAndVersions()
    {
        var store = await fixture.StoreAsync();
        await store.TrySetMetaAsync("kept", "yes", TestContext.Current.CancellationToken);

        await store.InitializeAsync(TestContext.Current.CancellationToken);

        Assert.Equal("yes", await store.GetMetaAsync("kept", TestContext.Current.CancellationToken));
        Assert.Equal(6L, await fixture.ScalarAsync<long>(fixture.Schema, "SELECT count(*) FROM schema_version"));
        Assert.Equal("postgres", store.Backend);
    }
}
