namespace CostOrchestrator.Abstractions.Reports;

/// <summary>The time bucket of a spend report (<c>bucket</c> of <c>GET /v1/reports/spend</c>), in the node's budget time zone.</summary>
[GenerateSerializer, Alias("costorch.SpendBucket")]
public enum SpendBucket
{
    /// <summary>One row per hour.</summary>
    Hour,

    /// <summary>One row per budget day.</summary>
    Day,
}
