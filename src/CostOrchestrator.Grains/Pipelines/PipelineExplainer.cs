using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Budget;
using CostOrchestrator.Core.Caching;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Core.Routing;
using CostOrchestrator.Grains.Budget;
using CostOrchestrator.Grains.Hosting;
using CostOrchestrator.Grains.Registry;
using CostOrchestrator.Storage;

namespace CostOrchestrator.Grains.Pipelines;

/// <summary>
/// Forecasts a run: per step the provider that would be chosen now and why, expected and worst-case cost with fan-out and retries, what the cache already holds,
/// and whether it fits the run's budget and every scope's head-room. Nothing is invoked or reserved.
/// </summary>
public sealed class PipelineExplainer(RegistryCopy registry, ProviderQuotas quotas, ICostOrchestratorStore store, BudgetBook book, [FromKeyedServices(NodeClock.Key)] TimeProvider time, NodeOptions options)
{
    /// <summary>Explains a validated pipeline for an input.</summary>
    public async Task<PipelineExplanation> ExplainAsync(PipelineDefinition pipeline, JsonElement? input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var steps = new List<StepForecast>();
        var chargedTo = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var context = new TemplateContext { Input = input };
        foreach (var step in pipeline.Steps)
        {
            var invoke = step.Invoke;
            var items = new List<JsonElement?> { null };
            if (invoke.ForEach is not null && TemplateEngine.RenderString(invoke.ForEach, context) is ({ ValueKind: JsonValueKind.Array } list, null))
            {
                items = list.EnumerateArray().Select(e => (JsonElement?)e.Clone()).ToList();
            }

            // Inputs that read earlier steps' results cannot be rendered before the run: estimate from the template text.
            var dependsOnSteps = JsonSerializer.Serialize(invoke.Inputs).Contains("steps.", StringComparison.Ordinal);
            var rendered = items.Select((item, i) => TemplateEngine.Render(invoke.Inputs, context with { Item = item, Index = i }).Value ?? invoke.Inputs).ToList();
            var chain = ScopeChain.For(pipeline.Scopes, pipeline.Id, invoke.Capability, null, null);
            var priority = invoke.Priority ?? pipeline.Priority;
            var budget = await book.GetChainAsync(chain, priority, cancellationToken).ConfigureAwait(false);
            var providers = await registry.GetProvidersAsync(invoke.Capability, cancellationToken).ConfigureAwait(false);
            var route = Router.Route(new RoutingRequest
            {
                Capability = invoke.Capability,
                Providers = providers,
                Inputs = rendered[0],
                StepBudgetCents = invoke.BudgetCents,
                Prefer = invoke.Prefer,
                MinQuality = Router.QualityFor(invoke.Complexity, invoke.MinQuality),
                Priority = priority,
                ChainHeadroomCents = budget.HeadroomCents,
                HeadroomScope = budget.HeadroomScope,
                Status = budget.Status,
                StatusScope = budget.StatusScope,
                QuotaUsage = quotas.Heard(providers),
            });

            var cached = 0;
            if (invoke.Cache && !dependsOnSteps)
            {
                foreach (var inputs in rendered)
                {
                    cached += await store.GetCacheAsync(CacheKey.For(invoke.Capability, inputs), time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is null ? 0 : 1;
                }
            }

            var chosen = route.Ordered.FirstOrDefault();
            var perItem = route.HasCandidate ? chosen.WorstCaseCents : 0m;
            var expected = perItem * (items.Count - cached);
            var worst = perItem * items.Count * (1 + Math.Min(invoke.Retries ?? 1, pipeline.Limits.MaxRetries));
            if (route.HasCandidate)
            {
                foreach (var scope in ScopeChain.For(pipeline.Scopes, pipeline.Id, invoke.Capability, chosen.Provider.ProviderId, null))
                {
                    chargedTo[scope] = chargedTo.GetValueOrDefault(scope) + expected;
                }
            }

            steps.Add(new StepForecast
            {
                Name = step.Name,
                Capability = invoke.Capability,
                Items = items.Count,
                ProviderId = route.HasCandidate ? chosen.Provider.ProviderId : null,
                ExpectedCents = expected,
                WorstCaseCents = worst,
                CachedItems = cached,
                Decision = route.Decision,
                Note = dependsOnSteps ? "inputs read earlier steps' results: estimated from the template, cache not checked" : null,
            });
        }

        var problems = new List<string>();
        var runBudget = pipeline.Budget?.LimitCents ?? (options.PipelineRunLimits.TryGetValue(pipeline.Id, out var limit) ? limit : null);
        var expectedTotal = steps.Sum(s => s.ExpectedCents);
        if (runBudget is { } cap && expectedTotal > cap)
        {
            problems.Add($"expected {expectedTotal}¢ is above the run's budget of {cap}¢");
        }

        foreach (var step in steps.Where(s => s.ProviderId is null))
        {
            problems.Add($"step '{step.Name}': no provider fits now");
        }

        foreach (var scope in await book.GetAsync(chargedTo.Keys.ToList(), cancellationToken).ConfigureAwait(false))
        {
            foreach (var window in scope.Windows)
            {
                var room = BudgetMath.Headroom(window, 0m);
                if (chargedTo[scope.Scope] > room)
                {
                    problems.Add($"{scope.Scope} ({window.Window.ToString().ToLowerInvariant()}): expected {chargedTo[scope.Scope]}¢ is above its head-room of {room}¢");
                }
            }
        }

        return new PipelineExplanation
        {
            PipelineId = pipeline.Id,
            Steps = steps,
            ExpectedCents = expectedTotal,
            WorstCaseCents = steps.Sum(s => s.WorstCaseCents),
            RunBudgetCents = runBudget,
            Fits = problems.Count == 0,
            Problems = problems,
        };
    }
}
