namespace CostOrchestrator.Runtime.Grains;

/// <summary>Registers durable reminders: stored, fired at their due time by one node, caught up after downtime.</summary>
public interface IReminderRegistry
{
    /// <summary>Creates or moves a reminder. A null period fires once.</summary>
    Task RegisterAsync(string grainType, string grainKey, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken);

    /// <summary>Removes a reminder.</summary>
    Task UnregisterAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken);
}
