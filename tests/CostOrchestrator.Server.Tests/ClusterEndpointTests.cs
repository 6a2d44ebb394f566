using System.Text.Json;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Server.Tests;

public sealed class ClusterEndpointTests(RunningNode node) : IClassFixture<RunningNode>
{
    [Fact]
    public async Task Nodes_ListsThisNodeLiveWithTheAddressItBoundTo()
    {
        using var client = node.Client();
        JsonElement self = default;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            // The address is recorded once Kestrel has bound the port; poll briefly rather than assume the order.
            var body = await RunningNode.JsonAsync(await client.GetAsync("/v1/cluster/nodes", TestContext.Current.CancellationToken));
            self = body.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("node_id").GetString() == body.GetProperty("self").GetString());
            if (self.TryGetProperty("address", out _))
            {
                break;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal("live", self.GetProperty("status").GetString());
        Assert.Equal(node.BaseAddress.ToString().TrimEnd('/'), self.GetProperty("address").GetString()!.TrimEnd('/'));
    }
}
