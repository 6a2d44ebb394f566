using System.Text.Json;
using CostOrchestrator.Abstractions.Registry;

namespace CostOrchestrator.Tests.Common;

/// <summary>Provider records for tests: simulated, zero latency unless asked.</summary>
public static class TestProviders
{
    public static ProviderRecord Fixed(string id, string capability, decimal cents, int tier = 3, int quality = 2, bool isFree = false, bool local = false,
        ProviderHealth health = ProviderHealth.Healthy, object? settings = null) => new()
        {
            ProviderId = id,
            Capability = capability,
            Kind = "simulated",
            Tier = tier,
            Quality = quality,
            IsFree = isFree,
            Local = local,
            Health = health,
            CostModel = new CostModel { Kind = CostModelKind.PerInvocation, CentsPerInvocation = cents },
            Settings = settings is null ? null : JsonSerializer.SerializeToElement(settings),
        };

    public static ProviderRecord Free(string id, string capability, int tier = 1, int quality = 2, bool local = true) =>
        Fixed(id, capability, 0m, tier, quality, isFree: true, local: local);

    public static ProviderRecord Subscription(string id, string capability, int quality = 3, int? monthlyQuota = null) => new()
    {
        ProviderId = id,
        Capability = capability,
        Kind = "simulated",
        Tier = 4,
        Quality = quality,
        CostModel = new CostModel { Kind = CostModelKind.Subscription, MonthlyCents = 2000, MonthlyQuota = monthlyQuota },
    };

    public static ProviderRecord PerToken(string id, decimal inputPerMillion, decimal outputPerMillion, int quality = 2, int tier = 3) => new()
    {
        ProviderId = id,
        Capability = "llm-chat",
        Kind = "simulated",
        Tier = tier,
        Quality = quality,
        IsFree = inputPerMillion == 0 && outputPerMillion == 0,
        CostModel = new CostModel { Kind = CostModelKind.PerToken, InputCentsPerMillionTokens = inputPerMillion, OutputCentsPerMillionTokens = outputPerMillion },
    };
}
