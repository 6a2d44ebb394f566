namespace CostOrchestrator.Core.Pipelines;

/// <summary>A validation error naming the field at fault, e.g. <c>steps[1].invoke.budget_cents</c>.</summary>
public sealed record FieldError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}
