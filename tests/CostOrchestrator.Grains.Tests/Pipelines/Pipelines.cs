using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Grains.Tests.Pipelines;

/// <summary>Small pipelines for engine tests.</summary>
internal static class Pipelines
{
    public static PipelineDefinition Parse(string json)
    {
        var result = PipelineParser.Parse(json);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Pipeline!;
    }

    public static PipelineDefinition OneStep(string capability, string extra = "", string pipelineExtra = "", string id = "p") => Parse($$$"""
        { "id": "{{{id}}}" {{{pipelineExtra}}}, "steps": [ { "name": "only", "invoke": { "capability": "{{{capability}}}", "inputs": { "text": "{{ input.text }}" } {{{extra}}} } } ] }
        """);
}
