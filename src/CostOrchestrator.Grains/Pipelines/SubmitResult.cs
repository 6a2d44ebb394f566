using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Grains.Pipelines;

/// <summary>A submitted run, or the validation errors that kept it from starting (nothing was charged).</summary>
public sealed record SubmitResult
{
    /// <summary>The run when accepted.</summary>
    public RunRecord? Run { get; init; }

    /// <summary>Errors naming their fields.</summary>
    public IReadOnlyList<FieldError> Errors { get; init; } = [];
}
