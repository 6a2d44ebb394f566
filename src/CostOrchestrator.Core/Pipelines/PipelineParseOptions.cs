namespace CostOrchestrator.Core.Pipelines;

/// <summary>Context for parsing a pipeline.</summary>
public sealed record PipelineParseOptions
{
    /// <summary>The id to use when the document has none (the short YAML form's bare <c>pipeline:</c> list), e.g. the file name.</summary>
    public string? DefaultId { get; init; }

    /// <summary>Capabilities the registry knows; null skips the check.</summary>
    public IReadOnlySet<string>? KnownCapabilities { get; init; }
}
