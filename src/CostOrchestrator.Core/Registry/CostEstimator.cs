using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Money;

namespace CostOrchestrator.Core.Registry;

/// <summary>Prices an invocation from a provider's cost model: the worst case before, the actual after.</summary>
public static class CostEstimator
{
    /// <summary>Output tokens assumed when neither the call nor the provider says. Default: 1024.</summary>
    public const int FallbackMaxOutputTokens = 1024;

    private const decimal Million = 1_000_000m;

    /// <summary>
    /// The worst case: the fixed price, or counted input + <c>max_tokens</c> output, or the input quantity. Input
    /// tokens are counted with the encoding of the provider's <see cref="ProviderRecord.Model"/>
    /// (<see cref="TokenCounter"/>): exact for OpenAI's models, an estimate that errs high for others.
    /// </summary>
    /// <param name="provider">The provider priced.</param>
    /// <param name="inputs">The call's inputs.</param>
    /// <param name="tokens">The inputs' token counts shared by a route's candidates (counted here when null).</param>
    public static CostEstimate WorstCase(ProviderRecord provider, JsonElement? inputs, InputTokenCounts? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var model = provider.CostModel;
        switch (model.Kind)
        {
            case CostModelKind.PerInvocation:
                return new CostEstimate { WorstCaseCents = Cents.RoundUp(model.CentsPerInvocation ?? 0m) };
            case CostModelKind.PerToken:
                var input = tokens?.For(provider.Model) ?? TokenCounter.CountInputTokens(provider.Model, inputs);
                var maxOutput = MaxOutputTokens(provider, inputs);
                var cents = (input * (model.InputCentsPerMillionTokens ?? 0m) + maxOutput * (model.OutputCentsPerMillionTokens ?? 0m)) / Million;
                return new CostEstimate { WorstCaseCents = Cents.RoundUp(cents), InputTokens = input, MaxOutputTokens = maxOutput };
            case CostModelKind.PerUnit:
                var units = Quantity(model, inputs);
                return new CostEstimate { WorstCaseCents = Cents.RoundUp(units * (model.CentsPerUnit ?? 0m)), Units = units };
            case CostModelKind.Subscription:
                return new CostEstimate { WorstCaseCents = 0m };
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), model.Kind, "Unknown cost model.");
        }
    }

    /// <summary>The actual cost of a per-token call from its reported usage; other models cost their worst case.</summary>
    public static decimal Actual(ProviderRecord provider, JsonElement? inputs, TokenCounts? usage)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var model = provider.CostModel;
        if (model.Kind != CostModelKind.PerToken || usage is null)
        {
            return WorstCase(provider, inputs).WorstCaseCents;
        }

        var inputRate = model.InputCentsPerMillionTokens ?? 0m;
        var cachedRate = model.CachedInputCentsPerMillionTokens ?? inputRate;
        var uncached = Math.Max(0, usage.Input - usage.CachedInput);
        var cents = (uncached * inputRate + usage.CachedInput * cachedRate + usage.Output * (model.OutputCentsPerMillionTokens ?? 0m)) / Million;
        return Cents.RoundUp(cents);
    }

    /// <summary>True when a call on this provider costs nothing at the margin (free, or a subscription).</summary>
    public static bool IsZeroMarginal(ProviderRecord provider) =>
        provider.IsFree || provider.CostModel.Kind == CostModelKind.Subscription;

    /// <summary>The output tokens a call may produce: its <c>max_tokens</c>, else the provider's default.</summary>
    public static long MaxOutputTokens(ProviderRecord provider, JsonElement? inputs)
    {
        if (inputs is { ValueKind: JsonValueKind.Object } obj
            && (obj.TryGetProperty("max_tokens", out var max) || obj.TryGetProperty("max_completion_tokens", out max))
            && max.ValueKind == JsonValueKind.Number && max.TryGetInt64(out var value) && value > 0)
        {
            return value;
        }

        return provider.CostModel.DefaultMaxOutputTokens ?? FallbackMaxOutputTokens;
    }

    private static decimal Quantity(CostModel model, JsonElement? inputs)
    {
        var fallback = model.DefaultQuantity ?? 1m;
        if (model.QuantityInput is null || inputs is not { ValueKind: JsonValueKind.Object } obj
            || !obj.TryGetProperty(model.QuantityInput, out var value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Length,
            JsonValueKind.Number => value.GetDecimal(),
            JsonValueKind.Array => value.GetArrayLength(),
            _ => fallback,
        };
    }
}
