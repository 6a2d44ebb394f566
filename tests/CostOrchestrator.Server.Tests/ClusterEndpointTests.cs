using CostOrchestrator.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace CostOrchestrator.Server.Tests;

public sealed class ClusterEndpointTests(RunningNode node) : IClassFixture<RunningNode>
{
    [Fact]
    public async Task Nodes_ListsThisSiloLiveAtItsOrleansAddress()
    {
        using var client = node.Client();

        var body = await RunningNode.JsonAsync(await client.GetAsync("/v1/cluster/nodes", TestContext.Current.CancellationToken));

        var self = body.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("node_id").GetString() == body.GetProperty("self").GetString());
        Assert.Equal("live", self.GetProperty("status").GetString());
        var silo = node.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        Assert.Equal(silo.ToParsableString(), self.GetProperty("address").GetString());
    }
}
