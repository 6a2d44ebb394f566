using CostOrchestrator.Abstractions.Cluster;

namespace CostOrchestrator.Client.Tests.Cluster;

public sealed class ClusterTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task GetNodesAsync_SingleNode_ListsItselfLive()
    {
        var membership = await node.Admin.GetNodesAsync(TestContext.Current.CancellationToken);

        var self = Assert.Single(membership.Nodes, n => n.NodeId == membership.Self);
        Assert.Equal(NodeStatus.Live, self.Status);
    }
}
