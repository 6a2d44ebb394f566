namespace CostOrchestrator.Client.Hosting;

/// <summary>Which CostOrchestrator cluster an Orleans client joins.</summary>
public sealed record CostOrchestratorClusterOptions
{
    /// <summary>The cluster's PostgreSQL (the silos' <c>--postgres</c>): Orleans' membership table lists their gateways.</summary>
    public required string PostgresConnectionString { get; init; }

    /// <summary>The silos' <c>--cluster-id</c>. Default: <c>costorch</c>.</summary>
    public string ClusterId { get; init; } = "costorch";

    /// <summary>The silos' <c>--service-id</c>. Default: <c>costorch</c>.</summary>
    public string ServiceId { get; init; } = "costorch";
}
