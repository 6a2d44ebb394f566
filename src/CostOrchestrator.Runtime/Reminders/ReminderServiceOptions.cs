namespace CostOrchestrator.Runtime.Reminders;

/// <summary>Settings of reminder delivery.</summary>
public sealed record ReminderServiceOptions
{
    /// <summary>How often due reminders are polled. Default: 1 second.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claim protects a reminder being delivered. Default: 1 minute.</summary>
    public TimeSpan ClaimDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Reminders claimed per poll. Default: 100.</summary>
    public int BatchSize { get; init; } = 100;
}
