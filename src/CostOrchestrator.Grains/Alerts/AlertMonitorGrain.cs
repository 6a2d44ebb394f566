using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CostOrchestrator.Abstractions.Alerts;
using CostOrchestrator.Abstractions.Serialization;
using CostOrchestrator.Core.Alerts;
using CostOrchestrator.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CostOrchestrator.Grains.Alerts;

/// <summary>
/// The cluster's one alert monitor. Every minute (its reminder) it evaluates the rules on a fresh snapshot: a
/// condition without an alert fires one (posted to every webhook), an open alert whose condition is gone resolves
/// (posted too). A condition fires once per window: true again later in the same window, its alert reopens without
/// a second post. Failed posts are retried with backoff (1, 2, 4, 8 minutes) and dead-lettered after five attempts.
/// It owns its alerts, settings and outbox as grain state; the invocation path never calls it.
/// </summary>
public sealed partial class AlertMonitorGrain : Grain, IAlertMonitorGrain, IRemindable
{
    /// <summary>The reminder that evaluates and delivers.</summary>
    public const string TickReminder = "alerts-tick";

    /// <summary>How long a resolved alert stays listed.</summary>
    public static readonly TimeSpan ResolvedKeptFor = TimeSpan.FromDays(30);

    /// <summary>How many dead letters are kept.</summary>
    public const int DeadLettersKept = 200;

    private readonly IPersistentState<AlertBook> _state;
    private readonly AlertSnapshotReader _reader;
    private readonly WebhookSender _sender;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertMonitorGrain> _logger;

    /// <summary>Created by Orleans on activation.</summary>
    public AlertMonitorGrain(
        [PersistentState("alerts", GrainStorage.Name)] IPersistentState<AlertBook> state,
        AlertSnapshotReader reader, WebhookSender sender, [FromKeyedServices(NodeClock.Key)] TimeProvider time, ILogger<AlertMonitorGrain> logger)
    {
        _state = state;
        _reader = reader;
        _sender = sender;
        _time = time;
        _logger = logger;
    }

    private AlertBook Book => _state.State;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken = default) =>
        await this.RegisterOrUpdateReminder(TickReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)).ConfigureAwait(true);

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, Orleans.Runtime.TickStatus status)
    {
        try
        {
            await EvaluateAsync().ConfigureAwait(true);
            await DeliverAsync().ConfigureAwait(true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next tick tries again: a store hiccup must not stop alerting.
            LogTickFailed(ex);
        }
    }

    /// <inheritdoc />
    public async Task<AlertChanges> EvaluateAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await _reader.ReadAsync(Book.Settings, cancellationToken).ConfigureAwait(true);
        var now = snapshot.Now;
        var holding = AlertRules.Evaluate(snapshot).GroupBy(c => c.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var known = Book.Alerts.ToDictionary(KeyOf, StringComparer.Ordinal);
        var fired = new List<Alert>();
        var resolved = new List<Alert>();
        foreach (var (key, condition) in holding)
        {
            var details = JsonSerializer.SerializeToElement(condition.Details, CostOrchestratorJson.Options);
            if (!known.TryGetValue(key, out var alert))
            {
                var opened = new Alert
                {
                    AlertId = "alert_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..20],
                    Kind = condition.Kind,
                    Subject = condition.Subject,
                    Window = condition.Window,
                    Message = condition.Message,
                    OpenedAt = now,
                    Details = details,
                };
                Book.Alerts.Add(opened);
                fired.Add(opened);
                LogFired(opened.Kind, opened.Subject, opened.Message);
            }
            else
            {
                // Still true (or true again within its window): keep its numbers current, reopen it without a new post.
                Replace(alert, alert with { Message = condition.Message, Details = details, ResolvedAt = null });
            }
        }

        foreach (var open in Book.Alerts.Where(a => a.IsOpen && !holding.ContainsKey(KeyOf(a))).ToList())
        {
            var closed = open with { ResolvedAt = now };
            Replace(open, closed);
            resolved.Add(closed);
        }

        Book.Alerts.RemoveAll(a => a.ResolvedAt is { } at && now - at > ResolvedKeptFor);
        foreach (var target in Book.Settings.Webhooks)
        {
            Book.Outbox.AddRange(fired.Select(a => Delivery(target, AlertEvents.Fired, a, now)));
            Book.Outbox.AddRange(resolved.Select(a => Delivery(target, AlertEvents.Resolved, a, now)));
        }

        await _state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
        return new AlertChanges { Fired = fired, Resolved = resolved };
    }

    /// <inheritdoc />
    public async Task<int> DeliverAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var due = Book.Outbox.Where(d => d.NextAttemptAt <= now).ToList();
        foreach (var delivery in due)
        {
            var error = await _sender.PostAsync(delivery, cancellationToken).ConfigureAwait(true);
            Book.Outbox.Remove(delivery);
            if (error is null)
            {
                continue;
            }

            var failed = delivery with { Attempts = delivery.Attempts + 1, LastError = error, NextAttemptAt = now + WebhookPayloads.Backoff(delivery.Attempts + 1) };
            LogDeliveryFailed(delivery.Target.Url, delivery.Event, failed.Attempts, error);
            if (failed.Attempts >= WebhookPayloads.MaxAttempts)
            {
                Book.DeadLetters.Add(new WebhookDeadLetter { Delivery = failed, FailedAt = now });
                Book.DeadLetters.RemoveRange(0, Math.Max(0, Book.DeadLetters.Count - DeadLettersKept));
            }
            else
            {
                Book.Outbox.Add(failed);
            }
        }

        if (due.Count > 0)
        {
            await _state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
        }

        return due.Count;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Alert>> ListAsync(AlertFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        IReadOnlyList<Alert> alerts = Book.Alerts
            .Where(a => (filter.Kind is null || a.Kind == filter.Kind) && (filter.Subject is null || a.Subject == filter.Subject) && (filter.Open is null || a.IsOpen == filter.Open))
            .OrderByDescending(a => a.OpenedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal).ToList();
        return Task.FromResult(alerts);
    }

    /// <inheritdoc />
    public Task<AlertSettings> GetSettingsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Book.Settings);

    /// <inheritdoc />
    public async Task<AlertSettings> SetSettingsAsync(AlertSettings settings, CancellationToken cancellationToken = default)
    {
        Book.Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        await _state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
        return Book.Settings;
    }

    /// <inheritdoc />
    public Task<WebhookQueue> GetDeliveriesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new WebhookQueue { Pending = [.. Book.Outbox], DeadLetters = Enumerable.Reverse(Book.DeadLetters).ToList() });

    private static string KeyOf(Alert alert) => AlertRules.Key(alert.Kind, alert.Subject, alert.Window);

    private void Replace(Alert old, Alert updated) => Book.Alerts[Book.Alerts.IndexOf(old)] = updated;

    private static WebhookDelivery Delivery(WebhookTarget target, string alertEvent, Alert alert, DateTimeOffset now) => new()
    {
        DeliveryId = "dlv_" + Guid.NewGuid().ToString("N")[..20],
        Target = target,
        Event = alertEvent,
        AlertId = alert.AlertId,
        Body = WebhookPayloads.Body(target, alertEvent, alert),
        NextAttemptAt = now,
    };

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.AlertFired, Level = LogLevel.Warning, Message = "Alert {Kind} on {Subject}: {Message}")]
    private partial void LogFired(string kind, string subject, string message);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.AlertDeliveryFailed, Level = LogLevel.Warning, Message = "Webhook {Url} did not take {Event} (attempt {Attempts}): {Error}")]
    private partial void LogDeliveryFailed(Uri url, string @event, int attempts, string error);

    [LoggerMessage(EventId = Core.Diagnostics.EventIds.AlertTickFailed, Level = LogLevel.Error, Message = "Alert evaluation failed; the next tick tries again")]
    private partial void LogTickFailed(Exception error);
}
