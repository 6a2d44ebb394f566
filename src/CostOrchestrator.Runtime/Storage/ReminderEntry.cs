namespace CostOrchestrator.Runtime.Storage;

/// <summary>A durable reminder row.</summary>
public sealed record ReminderEntry
{
    /// <summary>The grain type name.</summary>
    public required string GrainType { get; init; }

    /// <summary>The grain key.</summary>
    public required string GrainKey { get; init; }

    /// <summary>The reminder's name, unique per grain.</summary>
    public required string Name { get; init; }

    /// <summary>When it is next due.</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>Repeat period; null fires once.</summary>
    public TimeSpan? Period { get; init; }
}
