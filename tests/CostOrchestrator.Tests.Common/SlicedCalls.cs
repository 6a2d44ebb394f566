using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Grains.Invocation;

namespace CostOrchestrator.Tests.Common;

/// <summary>An llm-chat call of team:a that may be decided in a silo's budget slice (as a gateway call without a key is).</summary>
public static class SlicedCalls
{
    public static InvocationContext Call(string prefix, int i) => new()
    {
        Capability = "llm-chat",
        Inputs = JsonSerializer.SerializeToElement(new { prompt = "hello" }),
        UseCache = false,
        IdempotencyPrefix = $"{prefix}/{i}",
        Scopes = new PipelineScopes { Team = "a" },
        MayUseSlice = true,
    };
}
