using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Registry;
using CostOrchestrator.Core.Pipelines;
using CostOrchestrator.Storage;
using CostOrchestrator.Grains.Registry;

namespace CostOrchestrator.Grains.Pipelines;

/// <summary>
/// Accepts pipelines and runs: parses and validates everything that can be checked before a cent is
/// reserved (fields, capabilities, templates, fan-out over the input), then hands the run to its grain.
/// </summary>
public sealed class PipelineService
{
    private readonly IGrainFactory _grains;
    private readonly IRunStore _runs;
    private readonly RegistryCopy _registry;

    /// <summary>Creates the service.</summary>
    public PipelineService(IGrainFactory grains, IRunStore runs, RegistryCopy registry)
    {
        _grains = grains;
        _runs = runs;
        _registry = registry;
    }

    /// <summary>The capabilities the registry knows.</summary>
    public async Task<IReadOnlySet<string>> CapabilitiesAsync(CancellationToken cancellationToken)
    {
        var providers = await _registry.GetProvidersAsync(null, cancellationToken).ConfigureAwait(false);
        return providers.Select(p => p.Capability).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Parses a pipeline document (JSON or the short YAML form) against the registry.</summary>
    public async Task<PipelineParseResult> ParseAsync(string document, string? defaultId, CancellationToken cancellationToken) =>
        PipelineParser.Parse(document, new PipelineParseOptions { DefaultId = defaultId, KnownCapabilities = await CapabilitiesAsync(cancellationToken).ConfigureAwait(false) });

    /// <summary>Stores a validated pipeline under its id.</summary>
    public Task SaveAsync(PipelineDefinition pipeline, CancellationToken cancellationToken) => _runs.SavePipelineAsync(pipeline, cancellationToken);

    /// <summary>Validates the input against the pipeline and starts a run.</summary>
    public async Task<SubmitResult> SubmitAsync(PipelineDefinition pipeline, JsonElement? input, string? runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var errors = new List<FieldError>();
        if (input is { } given && given.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
        {
            errors.Add(new FieldError("input", "must be an object"));
        }

        var capabilities = await CapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        errors.AddRange(pipeline.Steps.Select((s, i) => (s, i)).Where(x => !capabilities.Contains(x.s.Invoke.Capability))
            .Select(x => new FieldError($"steps[{x.i}].invoke.capability", $"unknown capability '{x.s.Invoke.Capability}'")));
        errors.AddRange(PipelineParser.ValidateInput(pipeline, input));
        if (errors.Count > 0)
        {
            return new SubmitResult { Errors = errors };
        }

        var id = runId ?? NewRunId();
        var run = await _grains.GetGrain<IPipelineRunGrain>(id).StartAsync(new RunSubmission { Pipeline = pipeline, Input = input?.Clone() }, cancellationToken).ConfigureAwait(false);
        return new SubmitResult { Run = run };
    }

    /// <summary>Submits and waits until the run finishes or is queued.</summary>
    public async Task<SubmitResult> RunAsync(PipelineDefinition pipeline, JsonElement? input, CancellationToken cancellationToken)
    {
        var submitted = await SubmitAsync(pipeline, input, runId: null, cancellationToken).ConfigureAwait(false);
        if (submitted.Run is null)
        {
            return submitted;
        }

        var finished = await _grains.GetGrain<IPipelineRunGrain>(submitted.Run.RunId).WaitAsync(cancellationToken).ConfigureAwait(false);
        return submitted with { Run = finished };
    }

    /// <summary>A new run id: time-ordered, so ids sort by creation.</summary>
    public static string NewRunId() => "run_" + Guid.CreateVersion7().ToString("N")[..24];
}
