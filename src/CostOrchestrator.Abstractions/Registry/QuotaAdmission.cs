namespace CostOrchestrator.Abstractions.Registry;

/// <summary>A quota grain's answer to a call that asks for room in its provider's <c>monthly_quota</c>.</summary>
[GenerateSerializer, Immutable, Alias("costorch.QuotaAdmission")]
public sealed record QuotaAdmission
{
    /// <summary>True when the call may go ahead; it is counted in flight until it ends.</summary>
    [Id(0)]
    public required bool Admitted { get; init; }

    /// <summary>The quota's usage after the decision.</summary>
    [Id(1)]
    public required QuotaUsage Usage { get; init; }
}
