namespace CostOrchestrator.Client;

/// <summary>One entry of a validation problem's <c>errors</c> list.</summary>
public sealed record ApiFieldError
{
    /// <summary>The field at fault, as a JSON path without the leading <c>$.</c> (<c>windows[0].limit_cents</c>).</summary>
    public required string Field { get; init; }

    /// <summary>What is wrong with it.</summary>
    public required string Message { get; init; }
}
