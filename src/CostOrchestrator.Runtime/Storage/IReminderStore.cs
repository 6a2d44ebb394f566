namespace CostOrchestrator.Runtime.Storage;

/// <summary>Durable reminders. Each due reminder is claimed by one node at a time.</summary>
public interface IReminderStore
{
    /// <summary>Creates or replaces a reminder.</summary>
    Task UpsertReminderAsync(ReminderEntry reminder, CancellationToken cancellationToken);

    /// <summary>Removes a reminder.</summary>
    Task DeleteReminderAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken);

    /// <summary>Every reminder.</summary>
    Task<IReadOnlyList<ReminderEntry>> GetRemindersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Claims reminders due at <paramref name="now"/> for <paramref name="claimUntil"/>: another node skips a
    /// claimed reminder until the claim lapses (so a node that dies mid-delivery does not lose it).
    /// </summary>
    Task<IReadOnlyList<ReminderEntry>> ClaimDueRemindersAsync(DateTimeOffset now, DateTimeOffset claimUntil, string nodeId, int max, CancellationToken cancellationToken);

    /// <summary>
    /// After delivery: moves a claimed reminder to its next due time, or deletes a one-shot one — unless it
    /// was re-registered meanwhile (its due time changed), in which case the new registration stands.
    /// </summary>
    Task CompleteReminderAsync(ReminderEntry delivered, DateTimeOffset? nextDueAt, CancellationToken cancellationToken);
}
