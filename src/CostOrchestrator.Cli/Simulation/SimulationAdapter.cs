using System.Text.Json;
using System.Text.Json.Nodes;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Providers;
using CostOrchestrator.Providers.Simulated;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>
/// The simulated adapter as a simulation runs every provider: same price, usage and results, except that a media
/// result carries a <c>path</c> next to its <c>url</c>, as a local program's result does. Pipelines written against a
/// local provider read <c>result.path</c> (the sample clip renders <c>steps.narration.result.path</c>); under another
/// policy the same step is served by a paid provider, which answers with a URL only. A simulation compares what the
/// routing costs, so every step gets an output the pipeline as written can read.
/// </summary>
internal sealed class SimulationAdapter : IProviderAdapter
{
    private readonly SimulatedProviderAdapter _simulated = new();

    public string Kind => _simulated.Kind;

    public async Task<ProviderOutcome> InvokeAsync(ProviderCall call, CancellationToken cancellationToken)
    {
        var outcome = await _simulated.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
        if (outcome.Result is not { ValueKind: JsonValueKind.Object } result || !result.TryGetProperty("url", out var url) || result.TryGetProperty("path", out _))
        {
            return outcome;
        }

        var withPath = JsonNode.Parse(result.GetRawText())!.AsObject();
        withPath["path"] = url.GetString();
        return outcome with { Result = JsonSerializer.SerializeToElement(withPath) };
    }

    public Task<ProviderHealthReport> CheckHealthAsync(ProviderRecord provider, CancellationToken cancellationToken) =>
        _simulated.CheckHealthAsync(provider, cancellationToken);
}
