using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Core.Tests.Pipelines;

public sealed class PipelineParserTests
{
    private static readonly PipelineParseOptions _options = new()
    {
        KnownCapabilities = new HashSet<string>(["tts-generate", "ffmpeg-render", "ai-video-generate"], StringComparer.Ordinal),
    };

    private const string Valid = """
        { "id": "clip", "steps": [
          { "name": "narration", "invoke": { "capability": "tts-generate", "budget_cents": 2, "inputs": { "text": "{{ input.script }}" } } },
          { "name": "render", "invoke": { "capability": "ffmpeg-render", "prefer": "local-first", "inputs": { "audio": "{{ steps.narration.result.path }}" } } } ] }
        """;

    [Fact]
    public void Parse_ValidJson_ReadsEveryField()
    {
        var result = PipelineParser.Parse(Valid, _options);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("clip", result.Pipeline!.Id);
        Assert.Equal(2m, result.Pipeline.Steps[0].Invoke.BudgetCents);
        Assert.Equal(RoutePreference.LocalFirst, result.Pipeline.Steps[1].Invoke.Prefer);
        Assert.Equal(20, result.Pipeline.Limits.MaxFanout);
    }

    [Fact]
    public void Parse_SeedYamlForm_NamesStepsAfterCapabilities()
    {
        const string yaml = """
            pipeline:
              - invoke:
                  capability: tts-generate
                  budget_cents: 2
                  prefer: cheapest
              - invoke:
                  capability: ffmpeg-render
                  budget_cents: 50
                  prefer: cheapest
              - invoke:
                  capability: ai-video-generate
                  budget_cents: 25
                  prefer: local-first
                  fallback: reject
            """;

        var result = PipelineParser.Parse(yaml, _options with { DefaultId = "seed" });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("seed", result.Pipeline!.Id);
        Assert.Equal(["tts-generate", "ffmpeg-render", "ai-video-generate"], result.Pipeline.Steps.Select(s => s.Name));
        Assert.Equal(25m, result.Pipeline.Steps[2].Invoke.BudgetCents);
        Assert.Equal(FallbackPolicy.Reject, result.Pipeline.Steps[2].Invoke.Fallback);
    }

    [Theory]
    [InlineData("""{ "id": "x", "steps": [ """, "$", "malformed JSON")]
    [InlineData("""{ "id": "x", "colour": "red", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate" } } ] }""", "colour", "unknown field")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate", "budget": 3 } } ] }""", "steps[0].invoke.budget", "unknown field")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate", "budget_cents": -1 } } ] }""", "steps[0].invoke.budget_cents", "must not be negative")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate", "budget_cents": "2" } } ] }""", "steps[0].invoke.budget_cents", "must be a number")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "hologram" } } ] }""", "steps[0].invoke.capability", "unknown capability 'hologram'")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate", "inputs": { "t": "{{ steps.later.result.x }}" } } }, { "name": "later", "invoke": { "capability": "tts-generate" } } ] }""", "steps[0].invoke.inputs.t", "not an earlier step")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate", "inputs": { "t": "{{ item }}" } } } ] }""", "steps[0].invoke.inputs.t", "only valid in a step with for_each")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate", "prefer": "priciest" } } ] }""", "steps[0].invoke.prefer", "must be one of")]
    [InlineData("""{ "id": "x", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate" } }, { "name": "a", "invoke": { "capability": "tts-generate" } } ] }""", "steps[1].name", "duplicates")]
    [InlineData("""{ "id": "x", "steps": [] }""", "steps", "at least one step")]
    [InlineData("""{ "id": "x", "limits": { "max_fanout": 0 }, "steps": [ { "name": "a", "invoke": { "capability": "tts-generate" } } ] }""", "limits.max_fanout", "between")]
    [InlineData("""{ "steps": [ { "name": "a", "invoke": { "capability": "tts-generate" } } ] }""", "id", "is required")]
    public void Parse_BadPipeline_NamesTheField(string json, string field, string message)
    {
        var result = PipelineParser.Parse(json, _options);

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors, e => e.Field == field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateInput_FanOutOverCap_NamesForEach()
    {
        var pipeline = PipelineParser.Parse("""
            { "id": "x", "limits": { "max_fanout": 2 }, "steps": [
              { "name": "broll", "invoke": { "capability": "ai-video-generate", "for_each": "{{ input.scenes }}", "inputs": { "prompt": "{{ item }}" } } } ] }
            """, _options).Pipeline!;

        var errors = PipelineParser.ValidateInput(pipeline, JsonSerializer.SerializeToElement(new { scenes = new[] { "a", "b", "c" } }));

        var error = Assert.Single(errors);
        Assert.Equal("steps[0].invoke.for_each", error.Field);
        Assert.Contains("over limits.max_fanout 2", error.Message, StringComparison.Ordinal);
    }
}
