using CostOrchestrator.Storage;
using CostOrchestrator.Storage.Sqlite;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Storage.Tests;

/// <summary>The store contract on SQLite, in a temp file per test.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly TempDirectory _dir = new();

    protected override Task<ICostOrchestratorStore> CreateStoreAsync() =>
        Task.FromResult<ICostOrchestratorStore>(new SqliteStore(_dir.File("store.db")));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }
}
