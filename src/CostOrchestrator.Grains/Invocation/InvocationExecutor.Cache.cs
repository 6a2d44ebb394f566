using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Invocation;

/// <summary>The content-addressed cache: a hit served at zero cost (attributed to the provider that produced it), a result stored after a paid call.</summary>
public sealed partial class InvocationExecutor
{
    private async Task<InvocationOutcome> ServeFromCacheAsync(InvocationContext context, CacheEntry hit, string invocationId, CancellationToken cancellationToken)
    {
        var chain = ScopeChain.For(context.Scopes, context.PipelineId, context.Capability, hit.ProviderId, context.RunId);
        await _store.AppendLedgerAsync(new LedgerEntry
        {
            EntryId = "led_" + Guid.NewGuid().ToString("N"),
            CreatedAt = _time.GetUtcNow(),
            Chain = chain,
            Attribution = new ChargeAttribution { ProviderId = hit.ProviderId, Capability = context.Capability, PipelineId = context.PipelineId, RunId = context.RunId, Step = context.Step },
            ActualCents = 0m,
            SavedCents = hit.CostCents,
            CacheHit = true,
        }, cancellationToken).ConfigureAwait(false);
        return new InvocationOutcome
        {
            Result = hit.Result,
            Record = new InvocationRecord
            {
                InvocationId = invocationId,
                Item = context.Item,
                ProviderId = hit.ProviderId,
                CacheHit = true,
                SavedCents = hit.CostCents,
                Attempts = 0,
            },
        };
    }

    private async Task PutCacheAsync(string capability, string key, string providerId, JsonElement result, decimal cost, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var ttl = _options.CacheTtl.TryGetValue(capability, out var t) ? t : _options.DefaultCacheTtl;
        await _store.PutCacheAsync(new CacheEntry
        {
            Key = key,
            Capability = capability,
            ProviderId = providerId,
            Result = result,
            CostCents = cost,
            CreatedAt = now,
            ExpiresAt = ttl == TimeSpan.Zero ? null : now + ttl,
        }, cancellationToken).ConfigureAwait(false);
    }
}
