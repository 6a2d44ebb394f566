using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CostOrchestrator.Abstractions.Alerts;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Alerts;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Grains.Tests.Alerts;

/// <summary>
/// The alert monitor on a real node with a moved clock: each alert fires once when its condition is crossed, not
/// again within the window, again in the next window, and resolves when cleared; webhooks are retried with backoff
/// and dead-lettered, against a real local HTTP receiver, and invocations never wait on them.
/// </summary>
public sealed class AlertMonitorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset TenAm = new(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);

    private static async Task RunAsync(CostOrchestratorNode node, string capability, string text)
    {
        var run = (await node.Pipelines.RunAsync(Pipelines.Pipelines.OneStep(capability, """, "cache": false"""), JsonSerializer.SerializeToElement(new { text }), Ct)).Run!;
        Assert.True(run.Status == RunStatus.Succeeded, run.Error?.Message);
    }

    private static IAlertMonitorGrain Monitor(CostOrchestratorNode node) => node.Grains.GetGrain<IAlertMonitorGrain>(IAlertMonitorGrain.Key);

    [Fact]
    public async Task ABudgetAlert_FiresOnce_ReopensQuietly_ResolvesWhenCleared_AndFiresAgainInTheNextWindow()
    {
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(TenAm);
        await using var node = await TestNode.StartAsync(dir.Path, clock, cancellationToken: Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 20m));
        await node.SetDailyLimitAsync("global", 100m);
        for (var i = 0; i < 4; i++)
        {
            await RunAsync(node, "ai-video-generate", $"clip {i}");
        }

        var first = await Monitor(node).EvaluateAsync(Ct);
        var again = await Monitor(node).EvaluateAsync(Ct);

        // 80 % of the day: warn; at 8¢/h the day ends at 192¢, above the limit: forecast.
        Assert.Equal([AlertKinds.BudgetForecastExceeded, AlertKinds.BudgetWarn], first.Fired.Select(a => a.Kind).Order(StringComparer.Ordinal));
        Assert.All(first.Fired, a => Assert.Equal(("global", "day:2026-03-10T00:00:00.0000000+00:00"), (a.Subject, a.Window)));
        Assert.Empty(again.Fired);
        Assert.Empty(again.Resolved);

        await node.SetDailyLimitAsync("global", 1000m);
        var cleared = await Monitor(node).EvaluateAsync(Ct);
        Assert.Equal(2, cleared.Resolved.Count);

        await node.SetDailyLimitAsync("global", 100m);
        var reopened = await Monitor(node).EvaluateAsync(Ct);
        Assert.Empty(reopened.Fired); // true again in the same window: reopened, not posted again
        Assert.Equal(2, (await Monitor(node).ListAsync(new AlertFilter { Open = true }, Ct)).Count);

        // The next day starts empty: yesterday's alerts resolve; the same spend today fires them anew.
        clock.Advance(TimeSpan.FromHours(14.5));
        var midnight = await Monitor(node).EvaluateAsync(Ct);
        Assert.Equal(2, midnight.Resolved.Count);
        for (var i = 0; i < 4; i++)
        {
            await RunAsync(node, "ai-video-generate", $"clip {i} of the 11th");
        }

        var nextDay = await Monitor(node).EvaluateAsync(Ct);
        Assert.Contains(nextDay.Fired, a => a is { Kind: AlertKinds.BudgetWarn, Window: "day:2026-03-11T00:00:00.0000000+00:00" });
        Assert.Equal(4, (await Monitor(node).ListAsync(new AlertFilter { Subject = "global" }, Ct)).Count(a => a.Kind is AlertKinds.BudgetWarn or AlertKinds.BudgetForecastExceeded));
    }

    [Fact]
    public async Task AnExhaustedBudget_NamesTheCapabilitiesAndProvidersBehindItsSpend()
    {
        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.Path, new ManualTimeProvider(TenAm), cancellationToken: Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("fal", "ai-video-generate", 25m), TestProviders.Fixed("img", "image-generate", 24m));
        await node.SetDailyLimitAsync("global", 100m);
        for (var i = 0; i < 3; i++)
        {
            await RunAsync(node, "ai-video-generate", $"clip {i}");
        }

        await RunAsync(node, "image-generate", "poster");

        var exhausted = Assert.Single((await Monitor(node).EvaluateAsync(Ct)).Fired, a => a.Kind == AlertKinds.BudgetExhausted);

        var details = exhausted.Details!.Value;
        Assert.Equal(75m, details.GetProperty("top_capabilities").GetProperty("ai-video-generate").GetDecimal());
        Assert.Equal(24m, details.GetProperty("top_capabilities").GetProperty("image-generate").GetDecimal());
        Assert.Equal(["fal", "img"], details.GetProperty("top_providers").EnumerateObject().Select(p => p.Name));
        Assert.Contains("mostly ai-video-generate 75¢, image-generate 24¢ via fal 75¢, img 24¢", exhausted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderAlerts_Drift_Stale_Down_FromWhatTheRunsBilledAndTheRegistry()
    {
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(TenAm);
        await using var node = await TestNode.StartAsync(dir.Path, clock, cancellationToken: Ct);
        await node.AddProvidersAsync(
            TestProviders.Fixed("pricey", "ai-video-generate", 10m, settings: new { bill_factor = 1.5 }),
            TestProviders.Fixed("gone", "image-generate", 5m, health: ProviderHealth.Down));
        await RunAsync(node, "ai-video-generate", "billed above its price");

        var now = (await Monitor(node).EvaluateAsync(Ct)).Fired;
        Assert.Equal([AlertKinds.ProviderDown, AlertKinds.ProviderPriceDrift], now.Select(a => a.Kind).Order(StringComparer.Ordinal));
        var drift = Assert.Single(now, a => a.Kind == AlertKinds.ProviderPriceDrift);
        Assert.Equal(("provider:pricey", 15m, 10m), (drift.Subject, drift.Details!.Value.GetProperty("billed_cents").GetDecimal(), drift.Details.Value.GetProperty("list_cents").GetDecimal()));

        // A month later: both prices are stale; yesterday's drift and down alerts resolve with their day.
        clock.Advance(TimeSpan.FromDays(31));
        var later = await Monitor(node).EvaluateAsync(Ct);
        Assert.Equal(["provider:gone", "provider:pricey"], later.Fired.Where(a => a.Kind == AlertKinds.PriceStale).Select(a => a.Subject).Order(StringComparer.Ordinal));
        Assert.Contains(later.Resolved, a => a.Kind == AlertKinds.ProviderPriceDrift);
    }

    [Fact]
    public async Task AFailingWebhook_IsRetriedWithBackoff_ThenDeadLettered_SignedAndSlackShaped()
    {
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider(TenAm);
        await using var receiver = await WebhookReceiver.StartAsync(Ct);
        receiver.Status = 500;
        await using var node = await TestNode.StartAsync(dir.Path, clock, cancellationToken: Ct);
        await Monitor(node).SetSettingsAsync(new AlertSettings
        {
            Webhooks = [new WebhookTarget { Url = receiver.Url, Format = WebhookFormats.Generic, Secret = "s3cret" }, new WebhookTarget { Url = receiver.Url, Format = WebhookFormats.Slack }],
        }, Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("gone", "image-generate", 5m, health: ProviderHealth.Down));

        Assert.Single((await Monitor(node).EvaluateAsync(Ct)).Fired);
        var attemptsAt = new List<int>();
        for (var minute = 0; minute <= 15; minute++)
        {
            attemptsAt.Add(await Monitor(node).DeliverAsync(Ct));
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        // Attempts at minutes 0, 1, 3, 7 and 15 (backoff 1, 2, 4, 8), two webhooks each; then both are dead letters.
        Assert.Equal([0, 1, 3, 7, 15], attemptsAt.Select((n, minute) => (n, minute)).Where(x => x.n > 0).Select(x => x.minute));
        Assert.All(attemptsAt.Where(n => n > 0), n => Assert.Equal(2, n));
        var queue = await Monitor(node).GetDeliveriesAsync(Ct);
        Assert.Empty(queue.Pending);
        Assert.Equal(2, queue.DeadLetters.Count);
        Assert.All(queue.DeadLetters, d => Assert.Equal((5, "HTTP 500"), (d.Delivery.Attempts, d.Delivery.LastError)));
        Assert.Equal(10, receiver.Posts.Count);

        var signed = receiver.Posts.First(p => p.Headers.ContainsKey(WebhookPayloads.SignatureHeader));
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("s3cret"u8.ToArray(), Encoding.UTF8.GetBytes(signed.Body)));
        Assert.Equal(expected, signed.Headers[WebhookPayloads.SignatureHeader]);
        Assert.Equal(AlertEvents.Fired, JsonDocument.Parse(signed.Body).RootElement.GetProperty("event").GetString());
        var slack = receiver.Posts.First(p => !p.Headers.ContainsKey(WebhookPayloads.SignatureHeader));
        Assert.StartsWith("[firing] provider_down provider:gone:", JsonDocument.Parse(slack.Body).RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocations_NeverWaitOnAWebhook_ARunFinishesWhileAPostIsHeldOpen()
    {
        using var dir = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync(Ct);
        await using var node = await TestNode.StartAsync(dir.Path, new ManualTimeProvider(TenAm), cancellationToken: Ct);
        await Monitor(node).SetSettingsAsync(new AlertSettings { Webhooks = [new WebhookTarget { Url = receiver.Url, Format = WebhookFormats.Slack }] }, Ct);
        await node.AddProvidersAsync(TestProviders.Fixed("gone", "image-generate", 5m, health: ProviderHealth.Down), TestProviders.Fixed("fal", "ai-video-generate", 5m));
        await Monitor(node).EvaluateAsync(Ct);
        var arrived = receiver.HoldNext();

        var delivering = Monitor(node).DeliverAsync(Ct);
        await arrived.WaitAsync(Ct);
        await RunAsync(node, "ai-video-generate", "while the webhook hangs");

        Assert.False(delivering.IsCompleted);
        receiver.Release();
        Assert.Equal(1, await delivering);
        Assert.Empty((await Monitor(node).GetDeliveriesAsync(Ct)).Pending);
    }
}
