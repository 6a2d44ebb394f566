namespace CostOrchestrator.Runtime.Grains;

/// <summary>One firing of a reminder.</summary>
/// <param name="DueAt">The due time of the latest tick being delivered.</param>
/// <param name="FiredAt">When it was delivered.</param>
/// <param name="MissedTicks">Ticks that fell due while no node was up and are folded into this delivery.</param>
public sealed record ReminderTick(DateTimeOffset DueAt, DateTimeOffset FiredAt, int MissedTicks);
