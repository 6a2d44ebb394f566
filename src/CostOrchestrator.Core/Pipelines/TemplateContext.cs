using System.Text.Json;

namespace CostOrchestrator.Core.Pipelines;

/// <summary>What templates can read: the run input, earlier steps' results and the current fan-out item.</summary>
public sealed record TemplateContext
{
    /// <summary>The run input (<c>input.*</c>).</summary>
    public JsonElement? Input { get; init; }

    /// <summary>Results of completed steps by name (<c>steps.&lt;name&gt;.result.*</c>).</summary>
    public IReadOnlyDictionary<string, JsonElement> StepResults { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The current <c>for_each</c> item (<c>item.*</c>).</summary>
    public JsonElement? Item { get; init; }

    /// <summary>The current item's index (<c>index</c>).</summary>
    public int? Index { get; init; }
}
