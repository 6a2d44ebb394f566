namespace CostOrchestrator.Abstractions.Budget;

/// <summary>What an invocation is for, recorded with its reservation and ledger entry.</summary>
[GenerateSerializer, Immutable, Alias("costorch.ChargeAttribution")]
public sealed record ChargeAttribution
{
    /// <summary>The provider called.</summary>
    [Id(0)]
    public string? ProviderId { get; init; }

    /// <summary>The capability invoked.</summary>
    [Id(1)]
    public string? Capability { get; init; }

    /// <summary>The pipeline, when part of a run.</summary>
    [Id(2)]
    public string? PipelineId { get; init; }

    /// <summary>The run id.</summary>
    [Id(3)]
    public string? RunId { get; init; }

    /// <summary>The step name.</summary>
    [Id(4)]
    public string? Step { get; init; }
}
