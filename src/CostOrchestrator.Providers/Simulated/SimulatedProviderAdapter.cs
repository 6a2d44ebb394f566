using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Caching;
using CostOrchestrator.Core.Registry;

namespace CostOrchestrator.Providers.Simulated;

/// <summary>
/// A stand-in for a paid provider we cannot call from here: it charges the registry price, waits its
/// declared latency, fails at its declared rate and returns output derived only from its inputs.
/// Results say <c>"simulated": true</c> so nobody mistakes them for real output.
/// Settings: <c>latency_ms</c>, <c>failure_rate</c> (0..1, deterministic per input and attempt),
/// <c>fail_first</c> (the first N calls fail), <c>output_tokens</c> (LLM output length, default 64),
/// <c>bill_factor</c> (bills this multiple of the price: to exercise drift detection).
/// </summary>
public sealed class SimulatedProviderAdapter : IProviderAdapter
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the adapter; latency is waited on <paramref name="time"/>.</summary>
    public SimulatedProviderAdapter(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Kind => "simulated";

    /// <summary>How many calls each provider received on this adapter (tests check "invoked once").</summary>
    public int CallCount(string providerId) => _calls.GetValueOrDefault(providerId);

    /// <inheritdoc />
    public async Task<ProviderOutcome> InvokeAsync(ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var provider = call.Provider;
        var settings = provider.Settings is { ValueKind: JsonValueKind.Object } s ? s : default;
        var count = _calls.AddOrUpdate(provider.ProviderId, 1, (_, n) => n + 1);

        var latency = Number(settings, "latency_ms", 0m);
        if (latency > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds((double)latency), _time, cancellationToken).ConfigureAwait(false);
        }

        var inputsKey = CacheKey.Canonicalize(call.Inputs);
        if (count <= Number(settings, "fail_first", 0m))
        {
            return ProviderOutcome.Failure($"{provider.ProviderId}: simulated failure (call {count} of fail_first)", retryable: true);
        }

        var failureRate = Number(settings, "failure_rate", 0m);
        if (failureRate > 0 && Unit($"{provider.ProviderId}|{inputsKey}|{call.Attempt}") < (double)failureRate)
        {
            return ProviderOutcome.Failure($"{provider.ProviderId}: simulated failure (failure_rate {failureRate})", retryable: true);
        }

        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{provider.ProviderId}|{inputsKey}")))[..16];
        var result = new JsonObject
        {
            ["simulated"] = true,
            ["provider_id"] = provider.ProviderId,
        };

        TokenCounts? usage = null;
        if (provider.CostModel.Kind == CostModelKind.PerToken)
        {
            var output = Math.Min(CostEstimator.MaxOutputTokens(provider, call.Inputs), (long)Number(settings, "output_tokens", 64m));
            // Counted as the reservation counts them, so a simulated bill matches its worst case as a real provider's would.
            usage = new TokenCounts { Input = TokenCounter.CountInputTokens(provider.Model, call.Inputs), Output = output };
            result["content"] = $"[simulated {provider.Model ?? provider.ProviderId} answer {digest}]";
            result["model"] = provider.Model ?? provider.ProviderId;
        }
        else
        {
            result["url"] = $"sim://{provider.ProviderId}/{digest}.{Extension(provider.Capability)}";
        }

        var billed = CostEstimator.Actual(provider, call.Inputs, usage) * Number(settings, "bill_factor", 1m);
        return ProviderOutcome.Success(JsonSerializer.SerializeToElement(result), usage, Core.Money.Cents.RoundUp(billed));
    }

    /// <inheritdoc />
    public Task<ProviderHealthReport> CheckHealthAsync(ProviderRecord provider, CancellationToken cancellationToken) =>
        Task.FromResult(new ProviderHealthReport(true));

    private static string Extension(string capability) => capability switch
    {
        "tts-generate" => "mp3",
        "image-generate" => "png",
        "stock-search" => "json",
        _ => "mp4",
    };

    private static decimal Number(JsonElement settings, string name, decimal fallback) =>
        settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDecimal()
            : fallback;

    // A deterministic number in [0, 1) from a string, so a simulated failure repeats for the same input and attempt.
    private static double Unit(string text) =>
        BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0) / (double)ulong.MaxValue;
}
