namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>The organisational scopes a pipeline's spend is charged to, besides global, pipeline, capability and provider.</summary>
[GenerateSerializer, Immutable, Alias("costorch.PipelineScopes")]
public sealed record PipelineScopes
{
    /// <summary>Organisation, charged as <c>org:&lt;value&gt;</c>.</summary>
    [Id(0)]
    public string? Org { get; init; }

    /// <summary>Team, charged as <c>team:&lt;value&gt;</c>.</summary>
    [Id(1)]
    public string? Team { get; init; }

    /// <summary>Project, charged as <c>project:&lt;value&gt;</c>.</summary>
    [Id(2)]
    public string? Project { get; init; }

    /// <summary>User, charged as <c>user:&lt;value&gt;</c>.</summary>
    [Id(3)]
    public string? User { get; init; }

    /// <summary>Work item (ticket), charged as <c>work-item:&lt;value&gt;</c>.</summary>
    [Id(4)]
    public string? WorkItem { get; init; }
}
