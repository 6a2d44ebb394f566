namespace CostOrchestrator.Runtime.Grains;

/// <summary>Settings of the grain runtime.</summary>
public sealed record GrainRuntimeOptions
{
    /// <summary>An activation unused this long is deactivated. Default: 10 minutes.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often idle activations are collected. Default: 1 minute.</summary>
    public TimeSpan CollectionInterval { get; init; } = TimeSpan.FromMinutes(1);
}
