using System.Text;
using CostOrchestrator.Abstractions.Alerts;
using CostOrchestrator.Core.Alerts;

namespace CostOrchestrator.Grains.Alerts;

/// <summary>Posts webhook deliveries over one pooled client with a short timeout (a slow receiver delays only the alert monitor).</summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Posts one delivery; null when the receiver answered 2xx, else why not.</summary>
    public async Task<string?> PostAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Target.Url)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookPayloads.EventHeader, delivery.Event);
        request.Headers.Add(WebhookPayloads.DeliveryHeader, delivery.DeliveryId);
        if (WebhookPayloads.Signature(delivery.Target, delivery.Body) is { } signature)
        {
            request.Headers.Add(WebhookPayloads.SignatureHeader, signature);
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ex is TaskCanceledException ? "timed out after 10 s" : ex.Message;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
