namespace CostOrchestrator.Abstractions.Budget;

/// <summary>A budget window: calendar-aligned in the configured time zone, or the whole lifetime.</summary>
[GenerateSerializer, Alias("costorch.WindowKind")]
public enum WindowKind
{
    /// <summary>A calendar day.</summary>
    Day,

    /// <summary>A calendar week starting on Monday.</summary>
    Week,

    /// <summary>A calendar month.</summary>
    Month,

    /// <summary>Never resets.</summary>
    Total,
}
