using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using CostOrchestrator.Abstractions.Budget;
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
    public Task<PipelineExplanation> ExplainAsync(PipelineDefinition pipeline, JsonElement? input, CancellationToken cancellationToken) =>
        ExplainAsync(pipeline, input, done: null, cancellationToken);

    /// <summary>
    /// Explains what is left of a run: steps in <paramref name="done"/> (name → result) are finished and cost nothing
    /// more; later steps' inputs render from their results. Admission uses it before a run starts or resumes.
    /// </summary>
    public async Task<PipelineExplanation> ExplainAsync(PipelineDefinition pipeline, JsonElement? input, IReadOnlyDictionary<string, JsonElement>? done, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var steps = new List<StepForecast>();
        var chargedTo = new Dictionary<string, decimal>(StringComparer.Ordinal);
        // A scope's overdraft is room only for high-priority work: it counts when every step charging it is high.
        var highOnly = new Dictionary<string, bool>(StringComparer.Ordinal);
        var results = new Dictionary<string, JsonElement>(done ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal);
        var context = new TemplateContext { Input = input, StepResults = results };
        string? unfitted = null;
        foreach (var step in pipeline.Steps.Where(s => !results.ContainsKey(s.Name)))
        {
            var invoke = step.Invoke;
            var items = new List<JsonElement?> { null };
            if (invoke.ForEach is not null && TemplateEngine.RenderString(invoke.ForEach, context) is ({ ValueKind: JsonValueKind.Array } list, null))
            {
                items = list.EnumerateArray().Select(e => (JsonElement?)e.Clone()).ToList();
            }

            // Inputs that read results not known yet cannot be rendered: estimate from the template text.
            var dependsOnSteps = JsonSerializer.Serialize(invoke.Inputs).Contains("steps.", StringComparison.Ordinal)
                && !pipeline.Steps.TakeWhile(s => s.Name != step.Name).All(s => results.ContainsKey(s.Name));
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
            if (route.HasCandidate && !invoke.Optional)
            {
                foreach (var scope in ScopeChain.For(pipeline.Scopes, pipeline.Id, invoke.Capability, chosen.Provider.ProviderId, null))
                {
                    chargedTo[scope] = chargedTo.GetValueOrDefault(scope) + expected;
                    highOnly[scope] = highOnly.GetValueOrDefault(scope, true) && priority == Priority.High;
                }
            }
            else if (!route.HasCandidate && !invoke.Optional && route.Decision.Candidates.Any(c => c.BudgetLimited) && steps.Count > 0)
            {
                // Only a later step: the first one left is refused when reached, at once and with nothing spent,
                // with its own detailed reasons.
                unfitted ??= step.Name;
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
                Optional = invoke.Optional,
            });
        }

        var problems = new List<string>();
        var runBudget = pipeline.Budget?.LimitCents ?? (options.PipelineRunLimits.TryGetValue(pipeline.Id, out var limit) ? limit : null);
        var expectedTotal = steps.Sum(s => s.ExpectedCents);
        var requiredTotal = steps.Where(s => !s.Optional).Sum(s => s.ExpectedCents);
        var overRunBudget = runBudget is { } cap && requiredTotal > cap;
        if (overRunBudget)
        {
            problems.Add($"expected {requiredTotal}¢ of required steps is above the run's budget of {runBudget}¢");
        }

        foreach (var step in steps.Where(s => s.ProviderId is null))
        {
            problems.Add($"step '{step.Name}': no provider fits now{(step.Optional ? " (optional: it would be skipped)" : string.Empty)}");
        }

        var shortfalls = new List<BudgetDenial>();
        foreach (var scope in await book.GetAsync(chargedTo.Keys.ToList(), cancellationToken).ConfigureAwait(false))
        {
            foreach (var window in scope.Windows)
            {
                var room = BudgetMath.Headroom(window, highOnly[scope.Scope] ? scope.OverdraftCents : 0m);
                if (chargedTo[scope.Scope] > room)
                {
                    problems.Add($"{scope.Scope} ({window.Window.ToString().ToLowerInvariant()}): expected {chargedTo[scope.Scope]}¢ is above its head-room of {room}¢");
                    shortfalls.Add(new BudgetDenial
                    {
                        Scope = scope.Scope,
                        Window = window.Window,
                        SpentCents = window.SpentCents,
                        ReservedCents = window.ReservedCents,
                        LimitCents = window.LimitCents,
                        RequestedCents = chargedTo[scope.Scope],
                    });
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
            Fits = !overRunBudget && unfitted is null && shortfalls.Count == 0 && steps.All(s => s.Optional || s.ProviderId is not null),
            Problems = problems,
            Shortfalls = shortfalls.OrderBy(d => d.LimitCents - d.SpentCents - d.ReservedCents).ToList(),
            UnfittedStep = unfitted,
            OverRunBudget = overRunBudget,
        };
    }
}
