using System.Text.Json;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Core.Tests.Pipelines;

public sealed class TemplateEngineTests
{
    private static readonly TemplateContext _context = new()
    {
        Input = JsonSerializer.SerializeToElement(new { script = "hello", scenes = new[] { "a", "b" }, count = 3 }),
        StepResults = new Dictionary<string, JsonElement> { ["narration"] = JsonSerializer.SerializeToElement(new { url = "file:///x.wav" }) },
    };

    [Fact]
    public void Render_WholeTemplate_KeepsTheJsonType()
    {
        var (value, error) = TemplateEngine.Render(JsonSerializer.SerializeToElement(new { list = "{{ input.scenes }}", n = "{{input.count}}" }), _context);

        Assert.Null(error);
        Assert.Equal(JsonValueKind.Array, value!.Value.GetProperty("list").ValueKind);
        Assert.Equal(3, value.Value.GetProperty("n").GetInt32());
    }

    [Fact]
    public void Render_EmbeddedTemplate_Interpolates()
    {
        var (value, _) = TemplateEngine.Render(JsonSerializer.SerializeToElement(new { text = "Say {{ input.script }} from {{ steps.narration.result.url }} #{{ input.scenes.1 }}" }), _context);

        Assert.Equal("Say hello from file:///x.wav #b", value!.Value.GetProperty("text").GetString());
    }

    [Fact]
    public void Render_MissingPath_ReportsIt()
    {
        var (value, error) = TemplateEngine.Render(JsonSerializer.SerializeToElement(new { a = "{{ input.nope }}" }), _context);

        Assert.Null(value);
        Assert.Equal("input.nope: 'nope' not found", error);
    }
}
