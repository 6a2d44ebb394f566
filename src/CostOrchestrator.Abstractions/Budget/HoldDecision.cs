namespace CostOrchestrator.Abstractions.Budget;

/// <summary>A governor's answer to a <see cref="HoldRequest"/>.</summary>
[GenerateSerializer, Immutable, Alias("costorch.HoldDecision")]
public sealed record HoldDecision
{
    /// <summary>The epoch of the activation that decided; the reservation write must still see it.</summary>
    [Id(0)]
    public required long Epoch { get; init; }

    /// <summary>The windows room was taken in (empty for a scope without a policy).</summary>
    [Id(1)]
    public IReadOnlyList<HeldWindow> Windows { get; init; } = [];

    /// <summary>True when a window admitted it only thanks to the overdraft.</summary>
    [Id(2)]
    public bool Overdraft { get; init; }

    /// <summary>Why there was no room; null when held.</summary>
    [Id(3)]
    public BudgetDenial? Denial { get; init; }

    /// <summary>True when room was taken.</summary>
    public bool Held => Denial is null;
}

/// <summary>One window a hold took room in.</summary>
[GenerateSerializer, Immutable, Alias("costorch.HeldWindow")]
public sealed record HeldWindow
{
    /// <summary>The window.</summary>
    [Id(0)]
    public required WindowKind Window { get; init; }

    /// <summary>Its start; with scope and window it keys the spend row.</summary>
    [Id(1)]
    public required DateTimeOffset WindowStart { get; init; }
}
