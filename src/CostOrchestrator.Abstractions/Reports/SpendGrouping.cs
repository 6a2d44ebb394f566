namespace CostOrchestrator.Abstractions.Reports;

/// <summary>What a spend report sums per (<c>group_by</c> of <c>GET /v1/reports/spend</c>).</summary>
[GenerateSerializer, Alias("costorch.SpendGrouping")]
public enum SpendGrouping
{
    /// <summary>Per capability invoked.</summary>
    Capability,

    /// <summary>Per provider called, with the estimates the charges replaced (estimated vs actual).</summary>
    Provider,

    /// <summary>Per scope of each charge's chain: rows overlap, as budgets do.</summary>
    Scope,

    /// <summary>Per pipeline, with its runs by outcome and the cost per successful run.</summary>
    Pipeline,
}
