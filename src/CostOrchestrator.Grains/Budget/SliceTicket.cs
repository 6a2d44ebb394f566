using CostOrchestrator.Core.Budget;

namespace CostOrchestrator.Grains.Budget;

/// <summary>A call's worst case taken from a budget slice: what its commit or release refers to.</summary>
/// <param name="Slice">The slice it was taken from.</param>
/// <param name="WorstCaseMicros">What it took, in micro-cents.</param>
public sealed record SliceTicket(BudgetSlice Slice, long WorstCaseMicros);
