namespace CostOrchestrator.Abstractions.Budget;

/// <summary>What an invocation is for, recorded with its reservation and ledger entry.</summary>
public sealed record ChargeAttribution
{
    /// <summary>The provider called.</summary>
    public string? ProviderId { get; init; }

    /// <summary>The capability invoked.</summary>
    public string? Capability { get; init; }

    /// <summary>The pipeline, when part of a run.</summary>
    public string? PipelineId { get; init; }

    /// <summary>The run id.</summary>
    public string? RunId { get; init; }

    /// <summary>The step name.</summary>
    public string? Step { get; init; }
}
