namespace CostOrchestrator.Server.Endpoints;

/// <summary>The OpenAI-compatible gateway: /v1/chat/completions and /v1/models.</summary>
public static partial class OpenAiEndpoints
{
    public static void MapOpenAiEndpoints(this IEndpointRouteBuilder app)
    {
        _ = app;
    }
}
