namespace CostOrchestrator.Abstractions.Pipelines;

/// <summary>Task complexity, mapped to a minimum provider quality (1, 2, 3).</summary>
[GenerateSerializer, Alias("costorch.TaskComplexity")]
public enum TaskComplexity
{
    /// <summary>Quality 1 or better.</summary>
    Simple,

    /// <summary>Quality 2 or better.</summary>
    Moderate,

    /// <summary>Quality 3.</summary>
    Complex,
}
