namespace CostOrchestrator.Abstractions.Budget;

/// <summary>Why a reservation was refused: the first scope window that had no room.</summary>
[GenerateSerializer, Immutable, Alias("costorch.BudgetDenial")]
public sealed record BudgetDenial
{
    /// <summary>The scope at fault.</summary>
    [Id(0)]
    public required string Scope { get; init; }

    /// <summary>Its window.</summary>
    [Id(1)]
    public required WindowKind Window { get; init; }

    /// <summary>Committed in the window.</summary>
    [Id(2)]
    public required decimal SpentCents { get; init; }

    /// <summary>Reserved in the window.</summary>
    [Id(3)]
    public required decimal ReservedCents { get; init; }

    /// <summary>The window's limit (plus overdraft when it applied).</summary>
    [Id(4)]
    public required decimal LimitCents { get; init; }

    /// <summary>The amount asked for.</summary>
    [Id(5)]
    public required decimal RequestedCents { get; init; }

    /// <summary>A sentence for humans.</summary>
    public string Message =>
        $"Budget for {Scope} ({Window.ToString().ToLowerInvariant()}) cannot take {RequestedCents}¢: spent {SpentCents}¢ + reserved {ReservedCents}¢ of {LimitCents}¢.";
}
