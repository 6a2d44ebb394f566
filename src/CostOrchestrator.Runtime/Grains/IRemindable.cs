namespace CostOrchestrator.Runtime.Grains;

/// <summary>A grain that receives durable reminders.</summary>
public interface IRemindable
{
    /// <summary>A reminder is due. Runs as a turn of the grain.</summary>
    Task ReceiveReminderAsync(string reminderName, ReminderTick tick, CancellationToken cancellationToken);
}
