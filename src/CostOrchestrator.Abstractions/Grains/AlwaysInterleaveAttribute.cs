namespace CostOrchestrator.Abstractions.Grains;

/// <summary>
/// A grain method marked with this attribute runs outside the activation's turn queue, so it can be
/// called while a long turn is in progress (Orleans' <c>[AlwaysInterleave]</c>). Use it only for methods
/// that read state the grain publishes safely, such as a snapshot of a running pipeline.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute
{
}
